import { ApiProperty } from '@nestjs/swagger';
import type { TokenScope } from '../../common/auth/token-scopes';
import { TOKEN_SCOPE_SCHEMA } from './token-scope.schema';
import type { PersonalAccessToken } from '../personal-access-token.entity';

export class AccessTokenResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: 'nightly export script' })
  name!: string;

  @ApiProperty({
    ...TOKEN_SCOPE_SCHEMA,
    example: ['tasks:read'],
  })
  scopes!: TokenScope[];

  @ApiProperty({
    format: 'date-time',
    description: 'After this the token answers 401',
    example: '2026-05-01T00:00:00.000Z',
  })
  expires_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Last request made with the token, to the minute (null: never used)',
    example: null,
  })
  last_used_at!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-02-01T00:00:00.000Z' })
  created_at!: string;
}

export class CreatedAccessTokenResponseDto extends AccessTokenResponseDto {
  @ApiProperty({
    description:
      'The token, for `Authorization: Bearer`. Shown only in this response: the service keeps ' +
      'its hash alone.',
    example: 'tms_3q2-7w9Zk0bT1yP4mXc8nV5sD6fG7hJ8kL9zQ0wE1rT',
  })
  token!: string;
}

/** The only way a token leaves the service: an explicit field list, never the hash. */
export function toAccessTokenResponse(token: PersonalAccessToken): AccessTokenResponseDto {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    expires_at: token.expiresAt.toISOString(),
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
    created_at: token.createdAt.toISOString(),
  };
}
