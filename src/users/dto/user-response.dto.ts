import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../user.entity';

export class UserResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ example: 'alice@example.com' })
  email!: string;

  @ApiProperty({ example: '2026-02-01T00:00:00.000Z', format: 'date-time' })
  created_at!: string;
}

export class UserSummaryDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: 'alice' })
  username!: string;
}

/** The only way a user leaves the service: an explicit field list, so no hash can leak. */
export function toUserResponse(user: User): UserResponseDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    created_at: user.createdAt.toISOString(),
  };
}

export function toUserSummary(user: User): UserSummaryDto {
  return { id: user.id, username: user.username };
}
