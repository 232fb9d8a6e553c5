import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEBIAN_CHROMIUM, planBrowser } from '../scripts/ensure-browser';

/**
 * The pretest step of `npm test` (scripts/ensure-browser.ts): what it decides, and how it ends
 * when it cannot get the browser. The real install path runs in .ci/run on a fresh machine.
 */
const ROOT = join(__dirname, '..');

function runScript(chromiumPath: string) {
  return spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
      '--transpile-only',
      'scripts/ensure-browser.ts',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CHROMIUM_PATH: chromiumPath },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

describe('ensure-browser (npm test pretest)', () => {
  const missing = { executable: false, isRoot: true, hasAptGet: true };

  it('should do nothing when the browser is there', () => {
    expect(planBrowser({ ...missing, path: DEBIAN_CHROMIUM, executable: true })).toEqual({
      action: 'ready',
    });
  });

  it("should install Debian's chromium only as root with apt-get, for Debian's path", () => {
    expect(planBrowser({ ...missing, path: DEBIAN_CHROMIUM })).toEqual({ action: 'install' });
    for (const facts of [
      { ...missing, path: DEBIAN_CHROMIUM, isRoot: false },
      { ...missing, path: DEBIAN_CHROMIUM, hasAptGet: false },
      { ...missing, path: '/opt/chrome/chrome' },
    ]) {
      const plan = planBrowser(facts);
      expect(plan).toEqual({
        action: 'fail',
        line: expect.stringContaining('apt-get install chromium'),
      });
      expect(plan.action === 'fail' && plan.line).not.toContain('\n');
    }
  });

  it('should exit 0 silently when CHROMIUM_PATH is an executable', () => {
    const result = runScript(process.execPath);
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });

  it('should fail with one clear line, and install nothing, when the browser cannot be had', () => {
    const result = runScript('/nonexistent/chromium');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^ensure-browser: CHROMIUM_PATH=\/nonexistent\/chromium is not an executable; .*apt-get install chromium.*CHROMIUM_PATH/,
      ),
    ]);
  });
});
