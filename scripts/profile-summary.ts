/**
 * Summarises V8 CPU profiles (`node --cpu-prof --cpu-prof-dir=<dir> dist/main.js`) by function:
 * self time and inclusive time, as shares of all samples and of the busy (non-idle) ones.
 *   npx ts-node --transpile-only scripts/profile-summary.ts /tmp/hotprof/*.cpuprofile
 *   ... --top 40 --filter pino   (only functions whose name or location contains it)
 *   ... --timeline                (busy samples per second, to find the measured phase)
 *   ... --from 25 --to 38         (only the samples of that window, in seconds from the start)
 *   ... --packages                (self time by package: node_modules/<name>, node:, dist/)
 * Inclusive time counts a function once per sample even when it recurses, so shares of nested
 * frames (Nest's router, rxjs) are not inflated.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds from the previous sample (the first: from `startTime`). */
  timeDeltas: number[];
}

interface Row {
  self: number;
  total: number;
}

/** `name (file:line)`, with the path shortened to what follows node_modules/ or dist/. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} ${file ? `(${file}:${lineNumber + 1})` : ''}`.trim();
}

/** The package (or `node:`, `native`, `dist`) of a frameName. */
function packageOf(name: string): string {
  const location = /\(([^()]*):\d+\)$/.exec(name)?.[1];
  if (location === undefined) return name.startsWith('(') ? name : 'native';
  if (location.startsWith('node:')) return 'node:';
  if (location.startsWith('dist/')) return 'dist (the service)';
  const scoped = /^(@[^/]+\/[^/]+|[^/]+)/.exec(location);
  return scoped ? scoped[1] : location;
}

const IDLE = new Set(['(idle)']);

/** The samples taken between `from` and `to` seconds after the profile started. */
function window(profile: Profile, from: number, to: number): number[] {
  const kept: number[] = [];
  let at = 0;
  profile.samples.forEach((sample, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from * 1e6 && at < to * 1e6) kept.push(sample);
  });
  return kept;
}

/** Busy (non-idle) samples per second, to find the measured phase of a run. */
function timeline(profile: Profile, idleIds: Set<number>): string {
  const perSecond: number[] = [];
  let at = 0;
  profile.samples.forEach((sample, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const second = Math.floor(at / 1e6);
    perSecond[second] = (perSecond[second] ?? 0) + (idleIds.has(sample) ? 0 : 1);
  });
  return Array.from(perSecond, (n, s) => `${s}s:${n ?? 0}`).join(' ');
}

function summarise(
  profile: Profile,
  samples: number[],
): { rows: Map<string, Row>; samples: number; idle: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const rows = new Map<string, Row>();
  const row = (name: string): Row => {
    let found = rows.get(name);
    if (!found) rows.set(name, (found = { self: 0, total: 0 }));
    return found;
  };
  let idle = 0;
  for (const sample of samples) {
    const leaf = byId.get(sample);
    if (!leaf) continue;
    if (leaf.callFrame.functionName === '(idle)') idle += 1;
    row(frameName(leaf)).self += 1;
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id) as ProfileNode);
      if (seen.has(name)) continue;
      seen.add(name);
      row(name).total += 1;
    }
  }
  return { rows, samples: samples.length, idle };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string' },
      filter: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      timeline: { type: 'boolean' },
      packages: { type: 'boolean' },
    },
  });
  const top = Number(values.top ?? 30);
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    if (values.timeline) {
      const idleIds = new Set(
        profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
      );
      console.log(`${file}: busy samples per second\n${timeline(profile, idleIds)}`);
      continue;
    }
    const picked = window(profile, Number(values.from ?? 0), Number(values.to ?? Infinity));
    const { rows, samples, idle } = summarise(profile, picked);
    const busy = samples - idle;
    if (values.packages) {
      const byPackage = new Map<string, number>();
      for (const [name, counts] of rows) {
        if (IDLE.has(name)) continue;
        const key = packageOf(name);
        byPackage.set(key, (byPackage.get(key) ?? 0) + counts.self);
      }
      const share = (n: number): string => `${((100 * n) / Math.max(1, busy)).toFixed(1)}%`;
      console.log(`\n${file}: self time by package (share of busy samples)`);
      for (const [key, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`  ${share(n).padStart(6)}  ${key}`);
      }
      continue;
    }
    const pct = (n: number, of: number): string => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
    const entries = [...rows.entries()].filter(
      ([name]) => values.filter === undefined || name.includes(values.filter),
    );
    console.log(`\n${file}: ${samples} samples, ${pct(idle, samples)} idle`);
    for (const [title, key] of [
      ['self', 'self'],
      ['inclusive', 'total'],
    ] as const) {
      console.log(`\n  by ${title} time (share of busy samples):`);
      const sorted = entries
        .filter(([name]) => !IDLE.has(name))
        .sort((a, b) => b[1][key] - a[1][key])
        .slice(0, top);
      for (const [name, counts] of sorted) {
        console.log(`  ${pct(counts[key], busy).padStart(6)}  ${name}`);
      }
    }
  }
}

main();
