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

describe('OpenAPI document for client generators (e2e)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp(NO_RATE_LIMITS);
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
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
        expect.arrayContaining(['put /api/v1/tasks/{id}', 'patch /api/v1/tasks/{id}']),
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
      const ajv = new Ajv({ useDefaults: true, strict: false, validateFormats: false });
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
        expect(after).toEqual({ ...before, title: 'after', updated_at: expect.any(String) });
      },
    );
  });
});
