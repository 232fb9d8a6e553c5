import { PROJECT_ROLES } from '../../project-role';

/**
 * The OpenAPI options of every `role` field: one named `ProjectRole` schema with its own
 * description (without `enumSchema`, Swagger would give the shared schema the description of
 * whichever field it met first, e.g. "The caller's role").
 */
export const PROJECT_ROLE_SCHEMA = {
  enum: PROJECT_ROLES,
  enumName: 'ProjectRole',
  enumSchema: {
    description:
      'A role in a project, each including the rights of those below it: `owner` › `admin` › ' +
      '`editor` › `viewer`',
  },
} as const;
