import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as ts from 'typescript';
import { ApiRequestError, TaskApiClient } from '../client/api';
import { startTestApp, TestApp } from './helpers/app';
import { newUser } from './helpers/factories';

const ROOT = join(__dirname, '..');

/** The generated client types: `npm run client` output must compile and work against the API. */
describe('Typed client generated from openapi.json (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    execFileSync('npm', ['run', '--silent', 'client'], { cwd: ROOT, stdio: 'pipe' });
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await t.app.getUrl();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should type-check the client strictly against the generated schema', () => {
    const program = ts.createProgram([join(ROOT, 'client', 'api.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      skipLibCheck: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('should register, log in, create and list tasks with the typed client', async () => {
    const client = new TaskApiClient(baseUrl);
    const user = newUser();
    await client.register(user);
    const session = await client.login(user.email, user.password);
    expect(session.token_type).toBe('Bearer');

    const task = await client.createTask({
      title: '完成项目文档',
      priority: 'high',
      due_date: '2026-02-01T00:00:00Z',
    });
    expect(task).toMatchObject({
      title: '完成项目文档',
      priority: 'high',
      status: 'pending',
      user_id: session.user.id,
    });

    const page = await client.listTasks({ priority: ['high'], page_size: 5 });
    expect(page.total).toBe(1);
    expect(page.tasks.map((t) => t.id)).toEqual([task.id]);
  });

  it('should surface the contract error body as a typed error', async () => {
    const client = new TaskApiClient(baseUrl);
    await expect(client.login('nobody@example.com', 'wrong-password')).rejects.toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED' },
    });
    await expect(client.createTask({ title: 'x' })).rejects.toBeInstanceOf(ApiRequestError);
  });
});
