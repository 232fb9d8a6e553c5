import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { NotificationsService } from '../../notifications/notifications.service';
import { SearchUsersQuery } from '../../users/dto/search-users.query';
import { toUserResponse } from '../../users/dto/user-response.dto';
import { UsersService } from '../../users/users.service';
import { callerOf } from '../graphql-caller';
import type { GqlContext } from '../graphql-context';
import { OWN_READ_COST, pagedCost } from '../graphql-limits';
import { gqlNotification, Notification } from '../types/notification.types';
import { gqlMe, gqlUserSummary, User } from '../types/user.types';
import { validateAsRest } from '../validate-as-rest';

/** The most notifications one list holds (NotificationsService's limit), for the estimate. */
const NOTIFICATIONS_ESTIMATE = 100;

/** The caller, user search and the caller's notifications (REST /users and /notifications). */
@Resolver(() => User)
export class UserResolver {
  constructor(
    private readonly usersService: UsersService,
    private readonly notificationsService: NotificationsService,
  ) {}

  @Query(() => User, {
    description: 'The signed-in user (any personal access token may ask)',
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity,
  })
  async me(@Context() context: GqlContext): Promise<User> {
    const userId = callerOf(context, 'any');
    return gqlMe(toUserResponse(await this.usersService.getMe(userId)));
  }

  @Query(() => [User], {
    description: 'Users by username prefix, for assignee pickers (`limit` at most 50)',
    complexity: pagedCost(OWN_READ_COST, 'limit'),
  })
  async users(
    @Context() context: GqlContext,
    @Args('q', { type: () => String, nullable: true }) q: string | null,
    @Args('limit', { type: () => Int, nullable: true }) limit: number | null,
  ): Promise<User[]> {
    callerOf(context, 'projects:read');
    const query = await validateAsRest(
      SearchUsersQuery,
      { q: q ?? undefined, limit: limit ?? undefined },
      'query',
    );
    return (await this.usersService.search(query.q, query.limit)).map(gqlUserSummary);
  }

  @Query(() => [Notification], {
    description: "The caller's latest notifications (`unread: true`: the unread ones)",
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity * NOTIFICATIONS_ESTIMATE,
  })
  async notifications(
    @Context() context: GqlContext,
    @Args('unread', { type: () => Boolean, nullable: true }) unread: boolean | null,
  ): Promise<Notification[]> {
    const userId = callerOf(context, 'notifications');
    return (await this.notificationsService.list(userId, unread === true)).map(gqlNotification);
  }
}
