import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { chromiumPath } from '../scripts/ensure-browser';
import { startTestApp, TestApp } from './helpers/app';
import { signUp } from './helpers/factories';

/** Debian's Chromium (`npm test` installs it when missing) or CHROMIUM_PATH; never downloaded. */
const CHROMIUM = chromiumPath();
export const SCREENSHOT = join(__dirname, '..', 'test-artifacts', 'swagger-ui.png');

/**
 * A front-end developer's path through the Swagger UI in a real browser: open /docs, authorize
 * with a token from register + login, run "create task" and "list tasks" and see 201 and 200.
 * It also proves the Content-Security-Policy lets the UI work.
 */
// Chromium renders the whole OpenAPI document (now ~70 routes) on 2 shared cores: the UI
// flow takes ~15 s on a quiet machine, more under CI's load, beyond jest's default 30 s.
jest.setTimeout(90_000);

describe('Swagger UI in a browser (e2e)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run npm test (its pretest step installs it)`);
    }
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await t.app.getUrl();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function runOperation(
    operation: Locator,
    body?: string,
  ): Promise<{ status: string; text: string }> {
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    if (body !== undefined) await operation.locator('textarea.body-param__text').fill(body);
    await operation.locator('button.execute').click();
    const status = operation
      .locator('.live-responses-table tr.response .response-col_status')
      .first();
    await status.waitFor({ timeout: 10_000 });
    const text = await operation
      .locator('.live-responses-table tr.response .response-col_description')
      .first()
      .innerText();
    return { status: (await status.innerText()).trim(), text };
  }

  it('should authorize, create a task and list it from the UI', async () => {
    const user = await signUp(t.http);
    await page.goto(`${baseUrl}/docs`);
    await page.locator('.swagger-ui .information-container').waitFor({ timeout: 15_000 });

    await page.locator('.swagger-ui button.authorize').first().click();
    await page.locator('.modal-ux input[type="text"]').first().fill(user.token);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done').first().click();

    const title = `完成项目文档 ${Date.now()}`;
    const created = await runOperation(
      page.locator('#operations-tasks-createTask'),
      JSON.stringify({ title, description: '编写项目的技术文档', priority: 'high' }),
    );
    expect(created.status).toBe('201');
    expect(created.text).toContain(title);

    const listed = await runOperation(page.locator('#operations-tasks-listTasks'));
    expect(listed.status).toBe('200');
    expect(listed.text).toContain(title);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(cspViolations).toEqual([]);
  });
});
