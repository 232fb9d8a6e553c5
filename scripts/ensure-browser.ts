/**
 * `npm test`'s pretest step: the Swagger UI browser test drives a real Chromium, so the README's
 * test command obtains it on a fresh machine instead of failing one test at the end. Debian's
 * `chromium` package is installed when it is missing and we may (root with apt-get); anywhere
 * else the step stops with one line saying what to install. When the browser is there it costs
 * one stat and no apt call.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where Debian's `chromium` package puts the browser. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The browser the e2e suite launches: `CHROMIUM_PATH`, else Debian's. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH?.trim() || DEBIAN_CHROMIUM;
}

export interface BrowserFacts {
  path: string;
  executable: boolean;
  isRoot: boolean;
  hasAptGet: boolean;
}

export type BrowserPlan =
  { action: 'ready' } | { action: 'install' } | { action: 'fail'; line: string };

/** What the pretest step does, from what it found on the machine. */
export function planBrowser(facts: BrowserFacts): BrowserPlan {
  if (facts.executable) return { action: 'ready' };
  // Installing the package only helps when it is the package's path that is missing.
  if (facts.path === DEBIAN_CHROMIUM && facts.isRoot && facts.hasAptGet)
    return { action: 'install' };
  const why =
    facts.path !== DEBIAN_CHROMIUM
      ? `CHROMIUM_PATH=${facts.path} is not an executable`
      : `${DEBIAN_CHROMIUM} is missing`;
  return {
    action: 'fail',
    line:
      `${why}; the Swagger UI browser test needs Chromium: run "sudo apt-get install chromium" ` +
      `(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => isExecutable(join(dir, command)));
}

function factsOf(path: string): BrowserFacts {
  return {
    path,
    executable: isExecutable(path),
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath('apt-get'),
  };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

function main(): number {
  const path = chromiumPath();
  const plan = planBrowser(factsOf(path));
  if (plan.action === 'ready') return 0;
  if (plan.action === 'fail') {
    console.error(`ensure-browser: ${plan.line}`);
    return 1;
  }
  console.error(`ensure-browser: ${path} is missing: installing Debian's chromium package`);
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  } catch (error) {
    console.error(`ensure-browser: ${(error as Error).message}; install chromium by hand.`);
    return 1;
  }
  if (!isExecutable(path)) {
    console.error(`ensure-browser: chromium was installed but ${path} is still missing.`);
    return 1;
  }
  return 0;
}

if (require.main === module) process.exitCode = main();
