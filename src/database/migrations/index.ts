import { CreateUsersAndRefreshTokens1764000000000 } from './1764000000000-CreateUsersAndRefreshTokens';
import { CreateTasks1764100000000 } from './1764100000000-CreateTasks';
import { CreateIdempotencyKeys1764100000001 } from './1764100000001-CreateIdempotencyKeys';
import { AddTaskEventDispatch1764200000000 } from './1764200000000-AddTaskEventDispatch';
import { CreateExportFiles1764300000000 } from './1764300000000-CreateExportFiles';
import { CreateWebhooks1764300000100 } from './1764300000100-CreateWebhooks';
import { CreateNotifications1764300000200 } from './1764300000200-CreateNotifications';
import { CreateTaskCounts1764400000000 } from './1764400000000-CreateTaskCounts';
import { CreateTaskSearch1764500000000 } from './1764500000000-CreateTaskSearch';
import { CreateProjects1764600000000 } from './1764600000000-CreateProjects';
import { NotificationsForProjects1764600000100 } from './1764600000100-NotificationsForProjects';
import { CreateAttachments1764700000000 } from './1764700000000-CreateAttachments';
import { AddTaskCompletedIndex1764700000500 } from './1764700000500-AddTaskCompletedIndex';
import { CreateLabels1764800000000 } from './1764800000000-CreateLabels';
import { CreateComments1764800000100 } from './1764800000100-CreateComments';
import { CreateActivity1764800000200 } from './1764800000200-CreateActivity';
import { CreatePersonalAccessTokens1764900000000 } from './1764900000000-CreatePersonalAccessTokens';
import { CreateEmail1764900000100 } from './1764900000100-CreateEmail';
import { CreateUserIdentities1764900000200 } from './1764900000200-CreateUserIdentities';
import { CreateTaskSearchBuckets1765000000400 } from './1765000000400-CreateTaskSearchBuckets';
import { CreateTaskHourlyCounts1765000000700 } from './1765000000700-CreateTaskHourlyCounts';
import { TaskLabelsByCreation1765000000730 } from './1765000000730-TaskLabelsByCreation';
import { OutboxRedeliveryIndexes1765000000800 } from './1765000000800-OutboxRedeliveryIndexes';

/** Every migration in order; new ones are appended here. */
export const MIGRATIONS = [
  CreateUsersAndRefreshTokens1764000000000,
  CreateTasks1764100000000,
  CreateIdempotencyKeys1764100000001,
  AddTaskEventDispatch1764200000000,
  CreateExportFiles1764300000000,
  CreateWebhooks1764300000100,
  CreateNotifications1764300000200,
  CreateTaskCounts1764400000000,
  CreateTaskSearch1764500000000,
  CreateProjects1764600000000,
  NotificationsForProjects1764600000100,
  CreateAttachments1764700000000,
  AddTaskCompletedIndex1764700000500,
  CreateLabels1764800000000,
  CreateComments1764800000100,
  CreateActivity1764800000200,
  CreatePersonalAccessTokens1764900000000,
  CreateEmail1764900000100,
  CreateUserIdentities1764900000200,
  CreateTaskSearchBuckets1765000000400,
  CreateTaskHourlyCounts1765000000700,
  TaskLabelsByCreation1765000000730,
  OutboxRedeliveryIndexes1765000000800,
];
