import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { UserResponseDto } from '../../users/dto/user-response.dto';

@ObjectType({
  description: 'A user. `email` and `createdAt` are shown for the caller only (`me`).',
})
export class User {
  @Field(() => Int)
  id!: number;

  @Field()
  username!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'RFC 3339' })
  createdAt!: string | null;
}

export function gqlMe(user: UserResponseDto): User {
  return { id: user.id, username: user.username, email: user.email, createdAt: user.created_at };
}

export function gqlUserSummary(user: { id: number; username: string }): User {
  return { id: user.id, username: user.username, email: null, createdAt: null };
}
