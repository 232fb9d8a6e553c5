import { registerEnumType } from '@nestjs/graphql';
import { ACTIVITY_TYPES } from '../../activity/domain/activity-entry';
import { NOTIFICATION_TYPES } from '../../notifications/dto/notification-response.dto';
import { PROJECT_ROLES } from '../../projects/project-role';
import {
  SORT_ORDERS,
  TASK_PRIORITIES,
  TASK_SCOPES,
  TASK_SORTS,
  TASK_STATUSES,
} from '../../tasks/domain/task.constants';

/**
 * The REST enums as GraphQL enums, with the same values (`in_progress`, `created_at`…), so a
 * client sends and reads the same words on both APIs. Each is registered from the constant the
 * REST DTOs validate against, so the two cannot drift apart.
 */
function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((value) => [value, value])) as Record<T, T>;
}

export const TaskStatusEnum = enumOf(TASK_STATUSES);
export const TaskPriorityEnum = enumOf(TASK_PRIORITIES);
export const TaskScopeEnum = enumOf(TASK_SCOPES);
export const TaskSortEnum = enumOf(TASK_SORTS);
export const SortOrderEnum = enumOf(SORT_ORDERS);
export const ProjectRoleEnum = enumOf(PROJECT_ROLES);
export const ActivityTypeEnum = enumOf(ACTIVITY_TYPES);
export const NotificationTypeEnum = enumOf(NOTIFICATION_TYPES);

registerEnumType(TaskStatusEnum, { name: 'TaskStatus' });
registerEnumType(TaskPriorityEnum, { name: 'TaskPriority' });
registerEnumType(TaskScopeEnum, {
  name: 'TaskScope',
  description:
    '`all`: every task the caller can see; `owned`: created by the caller; `assigned`: assigned to the caller',
});
registerEnumType(TaskSortEnum, { name: 'TaskSort' });
registerEnumType(SortOrderEnum, { name: 'SortOrder' });
registerEnumType(ProjectRoleEnum, {
  name: 'ProjectRole',
  description: 'Each role includes the rights of those below it: owner › admin › editor › viewer',
});
registerEnumType(ActivityTypeEnum, { name: 'ActivityType' });
registerEnumType(NotificationTypeEnum, { name: 'NotificationType' });
