import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import { EntityManager } from 'typeorm';
import { isDuplicateKeyError } from '../common/errors/database-errors';
import { ConflictError, IdempotencyMismatchError } from '../common/errors/domain-errors';
import { IdempotencyKey } from './idempotency-key.entity';
import { ClaimFields, IdempotencyRepository } from './idempotency.repository';

/** How long a key is remembered (API.md: 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * An in-flight claim older than this is treated as abandoned (its process died). Safe to take
 * over: the original can only commit together with its completion, which checks the claim token.
 */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60 * 1000;

export interface IdempotentRequest {
  userId: number;
  key: string;
  /** What the key is used for (e.g. `POST /tasks`): a key reused elsewhere is a mismatch. */
  operation: string;
  /** The validated request body; its canonical JSON is hashed. */
  payload: unknown;
}

export interface IdempotentResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface IdempotentResult extends IdempotentResponse {
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

/**
 * Stores the response of the claimed request. The work must call it inside the transaction
 * that makes its change, so that the change and the stored answer commit (or not) together.
 */
export type CompleteIdempotentRequest = (
  manager: EntityManager,
  response: IdempotentResponse,
) => Promise<void>;

export class IdempotencyInFlightError extends ConflictError {
  constructor() {
    super('a request with this Idempotency-Key is still in progress; retry later');
  }
}

export class IdempotencyKeyReusedError extends IdempotencyMismatchError {
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
  }
}

const stableStringify = configure({ deterministic: true, circularValue: Error });

/**
 * JSON with object keys sorted, so that `{a, b}` and `{b, a}` hash alike (safe-stable-stringify:
 * `undefined` fields dropped, Dates as ISO strings, as JSON.stringify would).
 */
export function canonicalJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}

export function requestHash(operation: string, payload: unknown): string {
  return createHash('sha256')
    .update(`${operation}\n${canonicalJson(payload)}`)
    .digest('hex');
}

type Claim = { kind: 'claimed'; fields: ClaimFields } | { kind: 'replay'; row: IdempotencyKey };

/**
 * Idempotent execution of a creating request (`Idempotency-Key`). The claim is an INSERT against
 * the unique key (user_id, idem_key), never a read-then-write, so concurrent retries cannot both
 * run: the loser sees the winner's row and answers 409 (still running), 422 (other body) or the
 * stored response.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(private readonly keys: IdempotencyRepository) {}

  async execute(
    request: IdempotentRequest | undefined,
    work: (complete: CompleteIdempotentRequest) => Promise<IdempotentResponse>,
  ): Promise<IdempotentResult> {
    if (!request) {
      const response = await work(() => Promise.resolve());
      return { ...response, replayed: false };
    }
    const claim = await this.claim(request);
    if (claim.kind === 'replay') return this.replay(claim.row);

    const { userId, key, claimToken } = claim.fields;
    try {
      const response = await work(async (manager, stored) => {
        const completed = await this.keys.complete(manager, userId, key, claimToken, {
          status: stored.status,
          headers: JSON.stringify(stored.headers),
          body: JSON.stringify(stored.body),
        });
        // Another request took the claim over (ours looked abandoned): roll our change back.
        if (!completed) throw new IdempotencyInFlightError();
      });
      return { ...response, replayed: false };
    } catch (error) {
      await this.keys.release(userId, key, claimToken).catch((releaseError: unknown) => {
        // The claim then stays in flight until it counts as abandoned; retries answer 409.
        this.logger.warn({ err: releaseError, userId }, 'Could not release an idempotency claim');
      });
      throw error;
    }
  }

  private async claim(request: IdempotentRequest): Promise<Claim> {
    const now = new Date();
    const fields: ClaimFields = {
      userId: request.userId,
      key: request.key,
      requestHash: requestHash(request.operation, request.payload),
      claimToken: randomUUID(),
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    };
    // A few rounds cover the races where the row we collided with is released or taken over
    // between our INSERT and our read.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.keys.insertClaim(fields);
        return { kind: 'claimed', fields };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const row = await this.keys.findByUserAndKey(request.userId, request.key);
      if (!row) continue;
      if (this.isAbsent(row, now)) {
        if (await this.keys.takeOver(row.id, row.claimToken, fields)) {
          return { kind: 'claimed', fields };
        }
        continue;
      }
      if (row.requestHash !== fields.requestHash) throw new IdempotencyKeyReusedError();
      if (row.state !== 'completed') throw new IdempotencyInFlightError();
      return { kind: 'replay', row };
    }
    throw new IdempotencyInFlightError();
  }

  /** Expired keys count as absent; so do claims whose request died without committing. */
  private isAbsent(row: IdempotencyKey, now: Date): boolean {
    if (row.expiresAt.getTime() <= now.getTime()) return true;
    return (
      row.state === 'in_flight' &&
      now.getTime() - row.createdAt.getTime() >= IDEMPOTENCY_ABANDONED_MS
    );
  }

  private replay(row: IdempotencyKey): IdempotentResult {
    return {
      status: row.responseStatus ?? 200,
      headers: JSON.parse(row.responseHeaders ?? '{}') as Record<string, string>,
      body: JSON.parse(row.responseBody ?? 'null') as unknown,
      replayed: true,
    };
  }
}
