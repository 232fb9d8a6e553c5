import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A user's account at an identity provider: (provider, `sub`) is how a returning single sign-on
 * finds its user, whatever the provider now says the email is (an email can change hands; a
 * `sub` is never reassigned, OpenID Connect Core §2).
 */
@Entity({ name: 'user_identities' })
export class UserIdentity {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  /** The provider's configured name (OIDC_PROVIDERS). */
  @Column({ type: 'varchar', length: 32, charset: 'ascii', collation: 'ascii_bin' })
  provider!: string;

  /** The provider's `sub`: at most 255 ASCII characters, compared case-sensitively. */
  @Column({ type: 'varchar', length: 255, charset: 'ascii', collation: 'ascii_bin' })
  subject!: string;

  /** The email the provider gave when the link was made (for support; never used to sign in). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
