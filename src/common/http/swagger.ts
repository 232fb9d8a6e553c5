import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const TITLE = 'Task service API';

/**
 * The document's tags, in the order Swagger UI and generated docs show them: how to get a token
 * first, then the resources, then what operators need. Every operation carries one of them
 * (Redocly's `operation-tag-defined` rule keeps it so).
 */
const TAGS: Array<[name: string, description: string]> = [
  [
    'auth',
    'Accounts and sessions: register, log in for an access token (a JWT for ' +
      '`Authorization: Bearer`) and a single-use refresh token, refresh, log out, reset ' +
      'a forgotten password by email; or sign in with an OpenID Connect provider (single ' +
      'sign-on) and exchange its one-time login code for the same session.',
  ],
  ['users', 'The signed-in user, and a username search for assignee pickers.'],
  [
    'tokens',
    'Personal access tokens for scripts and integrations: `Authorization: Bearer tms_…` on the ' +
      'REST API, limited to the scopes chosen at creation (`tasks:read`, `tasks:write`, ' +
      '`projects:read`, `projects:write`, `webhooks`, `notifications`). Each operation states ' +
      'the scope it needs in its description and in `x-required-scope` (`any`: every token; ' +
      '`session`: a login session only). A token outside its scopes gets 403 naming the ' +
      'missing scope; an expired or deleted one 401. Managing tokens needs a login session.',
  ],
  [
    'projects',
    'Projects group tasks that a team shares. Roles, each including the rights of those ' +
      'below: `owner` (delete the project, transfer ownership) › `admin` (members, settings, ' +
      'archive) › `editor` (create, change, move and delete tasks) › `viewer` (read, ' +
      'comment). Every user has one private inbox (`is_inbox`), where tasks created without ' +
      '`project_id` go; it can be neither shared, deleted, renamed nor archived. A project ' +
      'the caller is no member of answers 404, a member lacking the role 403.',
  ],
  [
    'tasks',
    "Tasks of the caller's projects and tasks assigned to it: create (idempotent with `Idempotency-Key`), list " +
      'with filters, search, sorting and paging headers, read (cached, with `ETag`), update ' +
      '(`If-Match`), delete, counts, and exports.',
  ],
  [
    'labels',
    'Labels of a project (name unique per project case-insensitively, `#rrggbb` colour): ' +
      'members list them, editors create, rename, recolour and delete them. Tasks carry them ' +
      'through `label_ids` and show them as `labels`; `GET /tasks?label=` filters by name.',
  ],
  [
    'comments',
    'Comments on tasks, oldest first: anyone who sees a task reads and writes them; the ' +
      'author edits; the author or an admin of the project deletes. `@username` mentions a ' +
      "user who can see the task and notifies it (`mentioned`); the task's creator and " +
      'assignee hear of new comments (`commented`); webhooks get `comment.created`.',
  ],
  [
    'attachments',
    'Files attached to tasks: upload (`multipart/form-data`, up to `ATTACHMENT_MAX_BYTES`), ' +
      'list, download (with `Range`, `ETag` and the original file name), delete. Anyone who ' +
      'sees a task reads its files; editors and the assignee upload; the uploader or an admin ' +
      'deletes.',
  ],
  [
    'activity',
    'The history of tasks: who created, changed, moved, commented on them or attached and ' +
      "removed files, with each changed field's old and new value; per task (anyone who sees " +
      'it, oldest first) and per project (members, newest first).',
  ],
  ['jobs', 'Background jobs (exports): follow their state and download their result.'],
  ['webhooks', 'Signed HTTP callbacks for task events, with a delivery log; retried with backoff.'],
  [
    'notifications',
    'In-app notifications (assignments, mentions, comments, due-date reminders, project ' +
      'additions), the email switches of each kind, and the one-click unsubscribe link of ' +
      'notification emails (RFC 8058, no sign-in).',
  ],
  [
    'realtime',
    'Real-time updates over a WebSocket (`GET /api/v1/ws`): task events, notifications and ' +
      '`task.hidden`, in commit order per task, resumable with `last_event_id`.',
  ],
  [
    'reports',
    "Aggregates over the caller's visible tasks: tasks created and completed per day, week or " +
      'month in a time zone, and the workload per assignee.',
  ],
  [
    'operations',
    'Probes and metrics for operators: liveness, readiness, Prometheus metrics. No token, no ' +
      'rate limit, outside `/api/v1`.',
  ],
];

/** The OpenAPI document of the service (also exported to openapi.json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(TITLE)
    .setDescription(
      [
        'Task management backend. JSON in and out, snake_case fields, RFC 3339 UTC timestamps.',
        'Every response carries `X-Request-Id`; every error is `{"error", "code", "request_id", "details"?}`.',
        'Protected routes take `Authorization: Bearer <token>`: the access token of a login ' +
          'session (an HS256 JWT from `/api/v1/auth/login`) or a personal access token ' +
          '(`tms_…`, see the tokens tag) holding the scope the operation names in ' +
          '`x-required-scope`.',
        'Browsers on the origins of `CORS_ORIGINS` may read `X-Request-Id`, `X-Total-Count`, `Link`, ' +
          '`ETag`, `Location`, `Retry-After`, `X-RateLimit-Limit`, `X-RateLimit-Remaining`, ' +
          '`X-RateLimit-Reset`, `X-Cache` and `Idempotent-Replayed`, and, for downloads, ' +
          '`Content-Disposition` (the file name) and `Content-Range`; they may send `Range` and ' +
          '`If-Range` to resume one.',
      ].join('\n\n'),
    )
    .setVersion('1.0.0')
    .addServer('/', 'This server')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT or tms_ token',
        description:
          "A login session's access token (JWT) or a personal access token (`tms_…`), whose " +
          'scope each operation names in `x-required-scope`',
      },
      'bearer',
    )
    // Every operation needs the token unless it says `security: []` (`@Endpoint({ scope: 'public' })`).
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return withCommonResponseHeaders(SwaggerModule.createDocument(app, builder.build()));
}

type HeaderObject = { description: string; schema: { type: 'string' | 'integer' } };

const REQUEST_ID: HeaderObject = {
  description: "The request's id (the caller's X-Request-Id when sane, else generated)",
  schema: { type: 'string' },
};

/** Sent on every response of a rate-limited route that was counted (see README, Rate limits). */
const RATE_LIMIT_HEADERS: Record<string, HeaderObject> = {
  'X-RateLimit-Limit': {
    description: 'Requests allowed in the current window',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the window resets',
    schema: { type: 'integer' },
  },
};

const RETRY_AFTER: HeaderObject = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer' },
};

/**
 * Headers that every operation shares are added here, once, rather than on each route:
 * X-Request-Id everywhere, the X-RateLimit-* headers on the API's (rate-limited) routes, and
 * Retry-After on 429 and 503 answers.
 */
function withCommonResponseHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const limited = path.startsWith('/api/');
    for (const operation of Object.values(item) as Array<{
      responses?: Record<string, { headers?: object }>;
    }>) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        response.headers = {
          'X-Request-Id': REQUEST_ID,
          ...(limited ? RATE_LIMIT_HEADERS : {}),
          ...(status === '429' || status === '503' ? { 'Retry-After': RETRY_AFTER } : {}),
          ...response.headers,
        };
      }
    }
  }
  return document;
}

/** Swagger UI at `/docs`, the document at `/docs-json`. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: TITLE,
    // The filter box searches tags, which is how a reader finds an operation among dozens.
    swaggerOptions: { persistAuthorization: true, filter: true },
  });
}
