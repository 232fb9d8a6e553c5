/**
 * The real-time scenario on its own (issue 14): `npm run bench:realtime` (full: 2,000 sockets)
 * or `npm run bench:realtime -- --smoke`; prints the result as JSON. The same scenario is the
 * `realtime` row of `npm run bench` (`npm run bench -- --only realtime`), which also writes it
 * to the report; see bench/scenarios/realtime.ts for what it measures.
 */
import { parseArgs } from 'node:util';
import { loadConfig, loadDotEnv, processEnv } from '../src/config/env';
import { ensureFreshBuild } from './processes';
import { REALTIME_DEFAULTS, runRealtimeScenario } from './scenarios/realtime';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    clients: { type: 'string' },
    users: { type: 'string' },
    'writes-per-second': { type: 'string' },
    duration: { type: 'string' },
    'log-level': { type: 'string' },
  },
});

async function main(): Promise<void> {
  loadDotEnv();
  const env = processEnv();
  const base = loadConfig({ ...env, NODE_ENV: 'development' });
  const defaults = values.smoke ? REALTIME_DEFAULTS.smoke : REALTIME_DEFAULTS.full;
  ensureFreshBuild();
  const result = await runRealtimeScenario(
    base,
    env,
    {
      clients: Number(values.clients ?? defaults.clients),
      users: Number(values.users ?? defaults.users),
      writesPerSecond: Number(values['writes-per-second'] ?? defaults.writesPerSecond),
      durationSec: Number(values.duration ?? defaults.durationSec),
      logLevel: values['log-level'] ?? 'warn',
    },
    (line) => console.log(line),
  );
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
