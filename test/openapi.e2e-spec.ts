import Ajv from 'ajv';
import { startTestApp, TestApp } from './helpers/app';
import { signUp } from './helpers/factories';
import { createTask, NO_RATE_LIMITS, TASKS, TaskJson } from './helpers/tasks';

type Json = Record<string, unknown>;

interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; schema: Json }>;
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json; example?: Json }> }>;
}

interface OpenApiDocument {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The contract's machine code of each error status (API.md, General). */
const CODE_BY_STATUS: Record<string, string> = {
  '400': 'VALIDATION_FAILED',
  '401': 'UNAUTHORIZED',
  '403': 'FORBIDDEN',
  '404': 'NOT_FOUND',
  '409': 'CONFLICT',
  '412': 'PRECONDITION_FAILED',
  '413': 'PAYLOAD_TOO_LARGE',
  '415': 'UNSUPPORTED_MEDIA_TYPE',
  '416': 'VALIDATION_FAILED',
  '422': 'IDEMPOTENCY_MISMATCH',
  '429': 'RATE_LIMITED',
  '500': 'INTERNAL',
  '503': 'SERVICE_UNAVAILABLE',
};

const TAG_ORDER = [
  'auth',
  'users',
  'tokens',
  'projects',
  'tasks',
  'labels',
  'comments',
  'attachments',
  'activity',
  'jobs',
  'webhooks',
  'notifications',
  'realtime',
  'reports',
  'operations',
];

/**
 * `Access-Control-Expose-Headers`: the contract's list (API.md, General), then the two headers
 * of file downloads that are not CORS-safelisted (the file's name, a range's place).
 */
const EXPOSED = [
  'X-Request-Id',
  'X-Total-Count',
  'Link',
  'ETag',
  'Location',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-Cache',
  'Idempotent-Replayed',
  'Content-Disposition',
  'Content-Range',
];

const ORIGIN = 'https://app.example.com';

function operations(doc: OpenApiDocument): Array<{ key: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method} ${path}`, op })),
  );
}

/** Every schema node reachable from `schema`, following `$ref`s into the components. */
function reachableSchemas(
  doc: OpenApiDocument,
  schema: unknown,
  seen = new Set<unknown>(),
): Json[] {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return [];
  seen.add(schema);
  if (Array.isArray(schema)) return schema.flatMap((s) => reachableSchemas(doc, s, seen));
  const node = schema as Json;
  const found: Json[] = [node];
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/components/schemas/', '');
    found.push(...reachableSchemas(doc, doc.components.schemas[name], seen));
  }
  for (const key of ['properties', 'additionalProperties']) {
    const value = node[key];
    if (key === 'properties' && value && typeof value === 'object')
      found.push(...Object.values(value).flatMap((s) => reachableSchemas(doc, s, seen)));
    else if (value && typeof value === 'object') found.push(...reachableSchemas(doc, value, seen));
  }
  for (const key of ['items', 'not', 'allOf', 'oneOf', 'anyOf']) {
    if (node[key] !== undefined) found.push(...reachableSchemas(doc, node[key], seen));
  }
  return found;
}

/** Every `{type: …}` node of the document with its JSON path (headers included). */
function typedNodes(value: unknown, path = '$'): Array<{ path: string; node: Json }> {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => typedNodes(v, `${path}[${i}]`));
  const node = value as Json;
  const here = typeof node.type === 'string' ? [{ path, node }] : [];
  return [
    ...here,
    ...Object.entries(node).flatMap(([k, v]) =>
      k === 'example' ? [] : typedNodes(v, `${path}.${k}`),
    ),
  ];
}

describe('OpenAPI document for client generators (e2e)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp({ ...NO_RATE_LIMITS, CORS_ORIGINS: ORIGIN });
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
  });

  describe('operations', () => {
    it('should give every operation an explicit, unique camelCase operationId', () => {
      const ids = operations(doc).map(({ key, op }) => [key, op.operationId]);
      for (const [key, id] of ids) {
        expect({ key, id }).toEqual({
          key,
          id: expect.stringMatching(/^[a-z][a-zA-Z0-9]*$/),
        });
      }
      const unique = new Set(ids.map(([, id]) => id));
      expect(unique.size).toBe(ids.length);
      expect(Object.fromEntries(ids)).toEqual({
        'post /api/v1/auth/register': 'register',
        'post /api/v1/auth/login': 'login',
        'post /api/v1/auth/refresh': 'refreshSession',
        'post /api/v1/auth/logout': 'logout',
        'post /api/v1/auth/password/forgot': 'forgotPassword',
        'post /api/v1/auth/password/reset': 'resetPassword',
        'get /api/v1/auth/oidc/providers': 'listOidcProviders',
        'get /api/v1/auth/oidc/{name}/authorize': 'startOidcLogin',
        'get /api/v1/auth/oidc/{name}/callback': 'oidcCallback',
        'post /api/v1/auth/oidc/exchange': 'exchangeOidcLoginCode',
        'get /api/v1/users/me': 'getMe',
        'get /api/v1/users': 'listUsers',
        'post /api/v1/users/me/password': 'changePassword',
        'post /api/v1/users/me/tokens': 'createPersonalAccessToken',
        'get /api/v1/users/me/tokens': 'listPersonalAccessTokens',
        'delete /api/v1/users/me/tokens/{id}': 'deletePersonalAccessToken',
        'post /api/v1/projects': 'createProject',
        'get /api/v1/projects': 'listProjects',
        'get /api/v1/projects/{id}': 'getProject',
        'patch /api/v1/projects/{id}': 'updateProject',
        'delete /api/v1/projects/{id}': 'deleteProject',
        'get /api/v1/projects/{id}/members': 'listProjectMembers',
        'put /api/v1/projects/{id}/members/{user_id}': 'setProjectMember',
        'delete /api/v1/projects/{id}/members/{user_id}': 'removeProjectMember',
        'get /api/v1/projects/{id}/labels': 'listProjectLabels',
        'post /api/v1/projects/{id}/labels': 'createLabel',
        'patch /api/v1/labels/{id}': 'updateLabel',
        'delete /api/v1/labels/{id}': 'deleteLabel',
        'get /api/v1/tasks': 'listTasks',
        'post /api/v1/tasks': 'createTask',
        'get /api/v1/tasks/stats': 'getTaskStats',
        'get /api/v1/tasks/{id}': 'getTask',
        'put /api/v1/tasks/{id}': 'putTask',
        'patch /api/v1/tasks/{id}': 'updateTask',
        'delete /api/v1/tasks/{id}': 'deleteTask',
        'post /api/v1/tasks/export': 'exportTasks',
        'get /api/v1/tasks/{id}/comments': 'listTaskComments',
        'post /api/v1/tasks/{id}/comments': 'createComment',
        'get /api/v1/tasks/{id}/comments/{comment_id}': 'getComment',
        'patch /api/v1/tasks/{id}/comments/{comment_id}': 'updateComment',
        'delete /api/v1/tasks/{id}/comments/{comment_id}': 'deleteComment',
        'post /api/v1/tasks/{id}/attachments': 'uploadAttachment',
        'get /api/v1/tasks/{id}/attachments': 'listAttachments',
        'get /api/v1/attachments/{id}/content': 'downloadAttachment',
        'delete /api/v1/attachments/{id}': 'deleteAttachment',
        'get /api/v1/tasks/{id}/activity': 'listTaskActivity',
        'get /api/v1/projects/{id}/activity': 'listProjectActivity',
        'get /api/v1/jobs/{id}': 'getJob',
        'get /api/v1/jobs/{id}/result': 'getJobResult',
        'post /api/v1/webhooks': 'createWebhook',
        'get /api/v1/webhooks': 'listWebhooks',
        'patch /api/v1/webhooks/{id}': 'updateWebhook',
        'delete /api/v1/webhooks/{id}': 'deleteWebhook',
        'get /api/v1/webhooks/{id}/deliveries': 'listWebhookDeliveries',
        'get /api/v1/notifications': 'listNotifications',
        'post /api/v1/notifications/{id}/read': 'markNotificationRead',
        'get /api/v1/users/me/notification-settings': 'getNotificationSettings',
        'patch /api/v1/users/me/notification-settings': 'updateNotificationSettings',
        'get /api/v1/unsubscribe': 'getUnsubscribePage',
        'post /api/v1/unsubscribe': 'unsubscribe',
        'get /api/v1/ws': 'openEventStream',
        'get /api/v1/reports/completion': 'getCompletionReport',
        'get /api/v1/reports/workload': 'getWorkloadReport',
        'get /health/live': 'getLiveness',
        'get /health/ready': 'getReadiness',
        'get /metrics': 'getMetrics',
      });
    });

    it('should declare every tag with a description, in the order a reader needs them', () => {
      const declared = (doc.tags ?? []).map((tag) => tag.name);
      expect(declared).toEqual(TAG_ORDER);
      for (const tag of doc.tags ?? []) {
        expect({ tag: tag.name, description: tag.description }).toEqual({
          tag: tag.name,
          description: expect.stringMatching(/\w{3,}/),
        });
      }
      for (const { key, op } of operations(doc)) {
        expect({ key, tags: op.tags }).toEqual({
          key,
          tags: [expect.any(String)],
        });
        expect(declared).toContain(op.tags?.[0]);
      }
    });
  });

  describe('errors', () => {
    it("should show each error response with its own example, whose code is its status's", () => {
      let checked = 0;
      for (const { key, op } of operations(doc)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          const media = response.content?.['application/json'];
          expect({ key, status, schema: media?.schema }).toEqual({
            key,
            status,
            schema: { $ref: '#/components/schemas/ErrorResponseDto' },
          });
          expect({ key, status, example: media?.example }).toEqual({
            key,
            status,
            example: {
              error: expect.any(String),
              code: CODE_BY_STATUS[status],
              request_id: expect.any(String),
              ...(status === '400' ? { details: expect.any(Array) } : {}),
            },
          });
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(50);
    });

    it('should list the error statuses each projects and tasks route can answer', () => {
      const statuses = (prefix: string): Record<string, string[]> =>
        Object.fromEntries(
          operations(doc)
            // Attachments and comments hang under /tasks/{id}, labels under /projects/{id}, but
            // are routes of their own modules (checked below).
            .filter(
              ({ key }) =>
                key.split(' ')[1].startsWith(prefix) &&
                !key.includes('/attachments') &&
                !key.includes('/comments') &&
                !key.includes('/labels'),
            )
            .map(({ key, op }) => [
              key,
              Object.keys(op.responses).filter((status) => Number(status) >= 400),
            ]),
        );
      const body = ['413', '415'];
      // Every one answers 403 to a personal access token without its scope.
      expect(statuses('/api/v1/projects')).toEqual({
        'post /api/v1/projects': ['400', '401', '403', ...body, '429', '503'],
        'get /api/v1/projects': ['400', '401', '403', '429', '503'],
        'get /api/v1/projects/{id}': ['400', '401', '403', '404', '429', '503'],
        'patch /api/v1/projects/{id}': ['400', '401', '403', '404', '409', ...body, '429', '503'],
        'delete /api/v1/projects/{id}': ['400', '401', '403', '404', '409', '429', '503'],
        'get /api/v1/projects/{id}/members': ['400', '401', '403', '404', '429', '503'],
        'get /api/v1/projects/{id}/activity': ['400', '401', '403', '404', '429', '503'],
        'put /api/v1/projects/{id}/members/{user_id}': [
          '400',
          '401',
          '403',
          '404',
          '409',
          ...body,
          '429',
          '503',
        ],
        'delete /api/v1/projects/{id}/members/{user_id}': [
          '400',
          '401',
          '403',
          '404',
          '409',
          '429',
          '503',
        ],
      });
      const update = ['400', '401', '403', '404', '409', '412', ...body, '429', '503'];
      expect(statuses('/api/v1/tasks')).toEqual({
        'post /api/v1/tasks': ['400', '401', '403', '404', '409', ...body, '422', '429', '503'],
        'get /api/v1/tasks': ['400', '401', '403', '429', '503'],
        'get /api/v1/tasks/stats': ['400', '401', '403', '429', '503'],
        'get /api/v1/tasks/{id}': ['400', '401', '403', '404', '429', '503'],
        'get /api/v1/tasks/{id}/activity': ['400', '401', '403', '404', '429', '503'],
        'put /api/v1/tasks/{id}': update,
        'patch /api/v1/tasks/{id}': update,
        'delete /api/v1/tasks/{id}': ['400', '401', '403', '404', '409', '412', '429', '503'],
        'post /api/v1/tasks/export': ['400', '401', '403', '409', ...body, '422', '429', '503'],
      });
      const labels = Object.fromEntries(
        operations(doc)
          .filter(({ key }) => key.includes('/labels'))
          .map(({ key, op }) => [
            key,
            Object.keys(op.responses).filter((status) => Number(status) >= 400),
          ]),
      );
      expect(labels).toEqual({
        'get /api/v1/projects/{id}/labels': ['400', '401', '403', '404', '429', '503'],
        'post /api/v1/projects/{id}/labels': [
          '400',
          '401',
          '403',
          '404',
          '409',
          ...body,
          '429',
          '503',
        ],
        'patch /api/v1/labels/{id}': ['400', '401', '403', '404', '409', ...body, '429', '503'],
        'delete /api/v1/labels/{id}': ['400', '401', '403', '404', '409', '429', '503'],
      });
    });

    it("should give a route's 400 example one of that route's own fields", () => {
      const details = (key: string): unknown => {
        const [method, path] = key.split(' ');
        return doc.paths[path][method].responses['400'].content?.['application/json'].example
          ?.details;
      };
      expect(details('post /api/v1/projects')).toEqual([
        { field: 'name', message: 'name must be shorter than or equal to 100 characters' },
      ]);
      expect(details('put /api/v1/projects/{id}/members/{user_id}')).toEqual([
        {
          field: 'role',
          message: 'role must be one of the following values: viewer, editor, admin, owner',
        },
      ]);
      for (const key of [
        'get /api/v1/tasks/{id}',
        'delete /api/v1/tasks/{id}',
        'get /api/v1/projects/{id}',
        'delete /api/v1/projects/{id}',
      ]) {
        expect({ key, details: details(key) }).toEqual({
          key,
          details: [
            { field: 'id', message: expect.stringMatching(/^id must be a positive integer/) },
          ],
        });
      }
      expect(details('get /api/v1/tasks/stats')).toEqual([
        {
          field: 'project_id',
          message: 'project_id must be a positive integer or a comma list of them',
        },
      ]);
    });

    it('should document `code` as the named ErrorCode enum of the contract', () => {
      const body = doc.components.schemas.ErrorResponseDto as {
        properties: Record<string, Json>;
      };
      // A $ref with a description beside it is wrapped in allOf.
      const code = body.properties.code;
      expect(code.allOf ?? [code]).toEqual([{ $ref: '#/components/schemas/ErrorCode' }]);
      const codes = (doc.components.schemas.ErrorCode as { enum: string[] }).enum;
      expect(codes).toEqual(expect.arrayContaining(Object.values(CODE_BY_STATUS)));
    });
  });

  describe('schemas', () => {
    it('should use named enum schemas instead of inline enums', () => {
      const schemas = doc.components.schemas;
      for (const [name, values] of Object.entries({
        TaskStatus: ['pending', 'in_progress', 'completed'],
        TaskPriority: ['low', 'medium', 'high'],
        TaskSort: ['created_at', 'updated_at', 'due_date', 'priority', 'title'],
        SortOrder: ['asc', 'desc'],
        TaskScope: ['all', 'owned', 'assigned'],
        ProjectRole: ['viewer', 'editor', 'admin', 'owner'],
        ExportFormat: ['csv', 'json'],
        JobState: ['waiting', 'delayed', 'active', 'completed', 'failed'],
        WebhookEvent: expect.arrayContaining(['task.created', 'task.updated']),
        ReportInterval: ['day', 'week', 'month'],
        TokenScope: [
          'tasks:read',
          'tasks:write',
          'projects:read',
          'projects:write',
          'webhooks',
          'notifications',
        ],
      })) {
        expect({ name, schema: schemas[name] }).toMatchObject({
          name,
          schema: { type: 'string', enum: values },
        });
      }
      // A shared enum describes itself, not the first field that happened to use it.
      expect(schemas.ProjectRole.description).toMatch(/^A role in a project/);
      expect(schemas.TokenScope.description).toMatch(/^What a personal access token may do/);
      // Outside the named schemas, only constants (one value) and header values stay inline.
      const inline = typedNodes({
        paths: doc.paths,
        components: doc.components,
      })
        .filter(({ node }) => Array.isArray(node.enum) && node.enum.length > 1)
        .filter(({ path }) => !/^\$\.components\.schemas\.\w+$/.test(path))
        .filter(({ path }) => !path.includes('.headers.'))
        .map(({ path }) => path);
      expect(inline).toEqual([]);
    });

    it('should type ids, paging and counts as integers: `number` only for the completion rate', () => {
      const numbers = typedNodes({
        paths: doc.paths,
        components: doc.components,
      })
        .filter(({ node }) => node.type === 'number')
        .map(({ path }) => path);
      expect(numbers).toEqual([
        '$.components.schemas.TaskStatsResponseDto.properties.completion_rate',
        '$.components.schemas.CompletionBucketDto.properties.completion_rate',
      ]);

      const param = (key: string, name: string): Json | undefined => {
        const [method, path] = key.split(' ');
        return doc.paths[path][method].parameters?.find((p) => p.name === name)?.schema;
      };
      expect(param('get /api/v1/tasks/{id}', 'id')).toMatchObject({
        type: 'integer',
      });
      expect(param('get /api/v1/tasks', 'page')).toMatchObject({
        type: 'integer',
      });
      expect(param('get /api/v1/tasks', 'page_size')).toMatchObject({
        type: 'integer',
      });
      expect(param('get /api/v1/users', 'limit')).toMatchObject({
        type: 'integer',
      });
      for (const [key, name] of [
        ['get /api/v1/projects', 'page'],
        ['get /api/v1/projects', 'page_size'],
        ['get /api/v1/projects/{id}', 'id'],
        ['put /api/v1/projects/{id}/members/{user_id}', 'id'],
        ['put /api/v1/projects/{id}/members/{user_id}', 'user_id'],
        ['delete /api/v1/projects/{id}/members/{user_id}', 'user_id'],
      ]) {
        expect({ key, name, schema: param(key, name) }).toMatchObject({
          key,
          name,
          schema: { type: 'integer' },
        });
      }
      const properties = (name: string): Record<string, Json> =>
        (doc.components.schemas[name] as { properties: Record<string, Json> }).properties;
      for (const [schema, fields] of Object.entries({
        TaskResponseDto: ['id', 'user_id', 'project_id', 'assignee_id'],
        CreateTaskDto: ['assignee_id', 'project_id'],
        ProjectResponseDto: ['id', 'owner_id', 'member_count'],
        ProjectMemberResponseDto: ['user_id'],
      })) {
        for (const field of fields) {
          expect({ schema, field, type: properties(schema)[field] }).toMatchObject({
            schema,
            field,
            type: { type: 'integer' },
          });
        }
      }
    });
  });

  describe('update bodies', () => {
    const updates = (): Array<{ key: string; schema: Json }> =>
      operations(doc)
        .filter(({ key }) => key.startsWith('put ') || key.startsWith('patch '))
        .map(({ key, op }) => ({
          key,
          schema: op.requestBody?.content['application/json'].schema ?? {},
        }));

    it('should carry no `default` in any PUT or PATCH body schema, $refs followed', () => {
      expect(updates().map(({ key }) => key)).toEqual(
        expect.arrayContaining([
          'put /api/v1/tasks/{id}',
          'patch /api/v1/tasks/{id}',
          'patch /api/v1/projects/{id}',
          'put /api/v1/projects/{id}/members/{user_id}',
        ]),
      );
      for (const { key, schema } of updates()) {
        const withDefault = reachableSchemas(doc, schema).filter((node) => 'default' in node);
        expect({ key, withDefault }).toEqual({ key, withDefault: [] });
      }
    });

    /**
     * A schema-driven client (orval's zod output, hey-api) parses the body it sends through the
     * document's schema, which fills in every `default`. Ajv with `useDefaults` does the same, so
     * the body below is what such a client would send for "rename this task".
     */
    function clientBody(method: 'put' | 'patch', input: Json): Json {
      const ajv = new Ajv({
        useDefaults: true,
        strict: false,
        validateFormats: false,
      });
      for (const [name, schema] of Object.entries(doc.components.schemas)) {
        ajv.addSchema(schema, `#/components/schemas/${name}`);
      }
      const schema = doc.paths['/api/v1/tasks/{id}'][method].requestBody?.content[
        'application/json'
      ].schema as Json;
      const body = structuredClone(input);
      const validate = ajv.compile(schema);
      expect({ valid: validate(body), errors: validate.errors }).toEqual({
        valid: true,
        errors: null,
      });
      return body;
    }

    it.each(['patch', 'put'] as const)(
      'should change only the title when a generated client sends a title alone (%s)',
      async (method) => {
        const owner = await signUp(t.http);
        const before = await createTask(t.http, owner, {
          title: 'before',
          description: 'keep this description',
          status: 'in_progress',
          priority: 'high',
          due_date: '2030-01-01T00:00:00.000Z',
        });
        await t.http[method](`${TASKS}/${before.id}`)
          .set(owner.auth)
          .send(clientBody(method, { title: 'after' }))
          .expect(200);

        const after = (await t.http.get(`${TASKS}/${before.id}`).set(owner.auth).expect(200))
          .body as TaskJson;
        expect(after).toEqual({
          ...before,
          title: 'after',
          updated_at: expect.any(String),
        });
      },
    );
  });

  describe('CORS and Swagger UI', () => {
    it('should expose the contract headers, Location and Idempotent-Replayed included', async () => {
      const res = await t.http.get('/health/live').set('Origin', ORIGIN).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      const exposed = String(res.headers['access-control-expose-headers'])
        .split(',')
        .map((h) => h.trim());
      expect(exposed).toEqual(EXPOSED);
    });

    it('should let a browser read Location and Idempotent-Replayed of a replayed create', async () => {
      const owner = await signUp(t.http);
      const send = () =>
        t.http
          .post(TASKS)
          .set(owner.auth)
          .set('Origin', ORIGIN)
          .set('Idempotency-Key', `cors-${owner.id}`)
          .send({ title: 'once' })
          .expect(201);
      await send();
      const replay = await send();
      expect(replay.headers.location).toMatch(/^\/api\/v1\/tasks\/\d+$/);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const exposed = String(replay.headers['access-control-expose-headers']).split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['Location', 'Idempotent-Replayed']));
    });

    it('should allow the preflight of a PATCH with If-Match from the configured origin', async () => {
      const res = await t.http
        .options(`${TASKS}/1`)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'authorization, content-type, if-match');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(res.headers['access-control-allow-methods'])).toContain('PATCH');
    });

    it('should title the Swagger UI page and offer the operation filter', async () => {
      const page = await t.http.get('/docs').expect(200);
      expect(page.text).toContain('<title>Task service API</title>');
      const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toMatch(/"filter":\s*true/);
    });
  });
});
