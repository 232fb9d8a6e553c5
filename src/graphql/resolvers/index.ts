import { CommentResolver } from './comment.resolver';
import { ProjectResolver } from './project.resolver';
import { RealtimeEventResolver } from './realtime-event.resolver';
import { TaskResolver } from './task.resolver';
import { UserResolver } from './user.resolver';

/** Every resolver of the schema (the schema export script builds it from this list too). */
export const GRAPHQL_RESOLVERS = [
  TaskResolver,
  ProjectResolver,
  UserResolver,
  CommentResolver,
  RealtimeEventResolver,
];
