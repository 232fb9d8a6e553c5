import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { isTokenScope, TokenScope } from '../common/auth/token-scopes';

/** Scopes are stored as a comma list (`tasks:read,webhooks`); unknown names are dropped on read. */
const scopeList = {
  to: (scopes: readonly TokenScope[]): string => scopes.join(','),
  from: (value: string): TokenScope[] => value.split(',').filter(isTokenScope),
};

/**
 * A personal access token of a user. Only the SHA-256 of the secret is stored, so a leaked table
 * grants nothing; `revoked_at` marks a deleted token (kept so the lookup can tell "deleted" from
 * "unknown" in the logs, and an audit can see what existed).
 */
@Entity({ name: 'personal_access_tokens' })
export class PersonalAccessToken {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({
    type: 'varchar',
    length: 255,
    charset: 'ascii',
    collation: 'ascii_bin',
    transformer: scopeList,
  })
  scopes!: TokenScope[];

  @Column({
    name: 'token_hash',
    type: 'char',
    length: 64,
    charset: 'ascii',
    collation: 'ascii_bin',
    select: false,
  })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
