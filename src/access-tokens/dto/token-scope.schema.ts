import { TOKEN_SCOPES } from '../../common/auth/token-scopes';

/**
 * The OpenAPI options of every `scopes` field: one named `TokenScope` schema with its own
 * description (see projects/http/dto/project-role.schema.ts for why `enumSchema`).
 */
export const TOKEN_SCOPE_SCHEMA = {
  enum: TOKEN_SCOPES,
  enumName: 'TokenScope',
  enumSchema: {
    description:
      'What a personal access token may do; each operation names the scope it needs in ' +
      '`x-required-scope`',
  },
  isArray: true,
} as const;
