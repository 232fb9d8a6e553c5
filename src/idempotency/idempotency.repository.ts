import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';

export interface ClaimFields {
  userId: number;
  key: string;
  requestHash: string;
  claimToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredResponseFields {
  status: number;
  headers: string;
  body: string;
}

@Injectable()
export class IdempotencyRepository {
  constructor(
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
  ) {}

  /** Inserts an in-flight claim; a live claim of the same (user, key) raises ER_DUP_ENTRY. */
  async insertClaim(fields: ClaimFields): Promise<void> {
    await this.keys.insert({
      ...fields,
      state: 'in_flight',
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
    });
  }

  findByUserAndKey(userId: number, key: string): Promise<IdempotencyKey | null> {
    return this.keys.findOneBy({ userId, key });
  }

  /**
   * Takes over an expired or abandoned row for a new claim. Conditional on the old claim token,
   * so of several concurrent take-overs exactly one wins (affected rows 1).
   */
  async takeOver(id: string, previousToken: string, fields: ClaimFields): Promise<boolean> {
    const result = await this.keys.update(
      { id, claimToken: previousToken },
      {
        requestHash: fields.requestHash,
        claimToken: fields.claimToken,
        state: 'in_flight',
        responseStatus: null,
        responseHeaders: null,
        responseBody: null,
        createdAt: fields.createdAt,
        expiresAt: fields.expiresAt,
      },
    );
    return result.affected === 1;
  }

  /** Stores the response of a claim, inside the caller's transaction; false if it was lost. */
  async complete(
    manager: EntityManager,
    userId: number,
    key: string,
    claimToken: string,
    response: StoredResponseFields,
  ): Promise<boolean> {
    const result = await manager.update(
      IdempotencyKey,
      { userId, key, claimToken, state: 'in_flight' },
      {
        state: 'completed',
        responseStatus: response.status,
        responseHeaders: response.headers,
        responseBody: response.body,
      },
    );
    return result.affected === 1;
  }

  /** Forgets a claim whose request failed, so that the client may retry with the same key. */
  async release(userId: number, key: string, claimToken: string): Promise<void> {
    await this.keys.delete({ userId, key, claimToken, state: 'in_flight' });
  }
}
