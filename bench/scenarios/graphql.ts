/**
 * The GraphQL scenarios of issue 16, next to the REST requests a front end would make for the
 * same screen, in the same run and at the same concurrency:
 *
 * - G1 `graphql-board`: the board of the team project, one `POST /graphql`: the project's first
 *   50 tasks with their assignee, labels and comment count. G1r `rest-board`: the same screen
 *   over REST, `GET /tasks?project_id=…&page_size=50`, then the project's members (the
 *   assignees' names) and each task's comment count (`GET /tasks/{id}/comments?page_size=1`,
 *   its `X-Total-Count`), those 51 with 6 in flight as a browser would (HTTP/1.1 allows six
 *   connections per host). Each client runs one screen after the other; a screen's latency is
 *   from its first request to its last answer. Target: G1's p99 ≤ G1r's p99.
 * - G2 `graphql-task`: `task(id)` by `POST /graphql` over the team member's tasks, and G2r
 *   `rest-task`: `GET /tasks/{id}` of the same tasks, autocannon at the same connections, one
 *   after the other. Target: G2's requests/s ≥ 50% of G2r's.
 */
import type { RequestPlan, Target } from '../load';
import { latencySummary, sampleRss, Tally, tally } from '../load';
import type { ScenarioResult, TargetCheck } from '../report';

export const GRAPHQL_SCENARIOS = {
  'graphql-board':
    'G1. POST /graphql: a board (50 tasks of the team project with assignee, labels, comment counts)',
  'rest-board':
    'G1r. the same board over REST: GET /tasks?project_id&page_size=50, members, 50 × comments?page_size=1',
  'rest-task': 'G2r. GET /tasks/{id} of the team member (same ids and connections as G2)',
  'graphql-task': 'G2. POST /graphql task(id) of the team member',
} as const;

export type GraphqlScenarioId = keyof typeof GRAPHQL_SCENARIOS;

/** Requests a browser keeps in flight to one host (HTTP/1.1). */
const BROWSER_PARALLEL = 6;
const BOARD_SIZE = 50;

export const BOARD_QUERY = `query Board($projectId: Int!, $pageSize: Int!) {
  tasks(filter: { projectId: [$projectId] }, pageSize: $pageSize) {
    totalCount
    nodes {
      id title status priority dueDate
      assignee { id username }
      labels { id name color }
      commentCount
    }
  }
}`;

export const TASK_QUERY = `query Task($id: Int!) {
  task(id: $id) { id title description status priority userId projectId assigneeId
    labels { id name color } dueDate completedAt createdAt updatedAt }
}`;

export interface GraphqlScenarioContext {
  target: Target;
  db: string;
  /** The team member's token, and the team project it reads. */
  token: string;
  projectId: number;
  connections: { screens: number; requests: number };
  warmupSeconds: number;
  seconds: number;
  wanted: (id: GraphqlScenarioId) => boolean;
  /** Autocannon measurement of one plan, as the harness measures every scenario. */
  measure: (
    id: GraphqlScenarioId,
    plan: RequestPlan,
    connections: number,
  ) => Promise<ScenarioResult>;
  settle: () => Promise<void>;
  log: (text: string) => void;
}

/** One request of a screen: its status counted; throws on a transport error. */
type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

function graphqlBody(query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

/** One board screen over GraphQL: one request. True when every answer was 2xx without errors. */
async function graphqlBoard(ctx: GraphqlScenarioContext, get: Fetcher): Promise<boolean> {
  const response = await get('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: graphqlBody(BOARD_QUERY, { projectId: ctx.projectId, pageSize: BOARD_SIZE }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  return response.ok && body.errors === undefined;
}

/** The same screen over REST: the page, then members and comment counts, 6 in flight. */
async function restBoard(ctx: GraphqlScenarioContext, get: Fetcher): Promise<boolean> {
  const list = await get(`/api/v1/tasks?project_id=${ctx.projectId}&page_size=${BOARD_SIZE}`);
  const tasks = (await list.json()) as Array<{ id: number }>;
  let ok = list.ok;
  const followUps = [
    `/api/v1/projects/${ctx.projectId}/members`,
    ...tasks.map((task) => `/api/v1/tasks/${task.id}/comments?page_size=1`),
  ];
  await inParallel(followUps, BROWSER_PARALLEL, async (path) => {
    const response = await get(path);
    await response.arrayBuffer();
    ok &&=
      response.ok && (path.includes('/comments') ? response.headers.has('x-total-count') : true);
  });
  return ok;
}

/**
 * Runs `screen` back to back on `clients` clients for the warm-up (discarded) and then the
 * measured seconds; each screen's latency is from its first request to its last answer.
 */
async function measureScreens(
  ctx: GraphqlScenarioContext,
  id: GraphqlScenarioId,
  screen: (ctx: GraphqlScenarioContext, get: Fetcher) => Promise<boolean>,
): Promise<ScenarioResult> {
  const clients = ctx.connections.screens;
  const loop = async (seconds: number, into: Tally): Promise<number> => {
    const started = performance.now();
    const get: Fetcher = async (path, init = {}) => {
      const response = await fetch(ctx.target.url + path, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${ctx.token}`,
        },
        signal: AbortSignal.timeout(10_000),
      });
      into.statusCodes[response.status] = (into.statusCodes[response.status] ?? 0) + 1;
      return response;
    };
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() - started < seconds * 1000) {
          const begun = performance.now();
          try {
            if (await screen(ctx, get)) into.latencies.push(performance.now() - begun);
            else into.non2xx += 1;
          } catch (error) {
            if (error instanceof Error && error.name === 'TimeoutError') into.timeouts += 1;
            else into.errors += 1;
          }
        }
      }),
    );
    return (performance.now() - started) / 1000;
  };
  process.stdout.write(`  ${GRAPHQL_SCENARIOS[id]} [${ctx.db}, ${clients} clients] ... `);
  if (ctx.warmupSeconds > 0) {
    await loop(ctx.warmupSeconds, tally());
    await ctx.settle();
  }
  const measured = tally();
  const rss = sampleRss(ctx.target);
  const seconds = await loop(ctx.seconds, measured);
  const rssMaxMb = await rss.stop();
  await ctx.settle();
  const screens = measured.latencies.length + measured.non2xx;
  const result: ScenarioResult = {
    id,
    title: GRAPHQL_SCENARIOS[id],
    db: ctx.db,
    target: 'service',
    durationSec: Math.round(seconds * 100) / 100,
    connections: clients,
    requests: screens,
    unfinished: 0,
    requestsPerSec: Math.round((screens / Math.max(seconds, 0.001)) * 10) / 10,
    latencyMs: latencySummary(measured.latencies),
    errors: measured.errors,
    timeouts: measured.timeouts,
    non2xx: measured.non2xx,
    statusCodes: measured.statusCodes,
    rssMaxMb,
    note: 'requests = screens; latency = a whole screen',
  };
  ctx.log(
    `${result.requestsPerSec} screens/s, p50 ${result.latencyMs.p50} / p99 ${result.latencyMs.p99} ms, ${result.non2xx} failed screens`,
  );
  return result;
}

/** The team member's first tasks of the team project (the ids G2 and G2r read). */
async function boardTaskIds(ctx: GraphqlScenarioContext): Promise<number[]> {
  const response = await fetch(
    `${ctx.target.url}/api/v1/tasks?project_id=${ctx.projectId}&page_size=100`,
    { headers: { authorization: `Bearer ${ctx.token}` } },
  );
  const tasks = (await response.json()) as Array<{ id: number }>;
  if (!response.ok || tasks.length === 0) {
    throw new Error(
      `the team project's tasks answered ${response.status} with ${tasks.length} tasks`,
    );
  }
  return tasks.map((task) => task.id);
}

/** Runs the wanted GraphQL scenarios (and their REST twins), in the order of GRAPHQL_SCENARIOS. */
export async function runGraphqlScenarios(ctx: GraphqlScenarioContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  // One answer of each first: a scenario measuring errors describes nothing.
  const check = await fetch(`${ctx.target.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    body: graphqlBody(BOARD_QUERY, { projectId: ctx.projectId, pageSize: BOARD_SIZE }),
  });
  const checked = (await check.json()) as {
    data?: { tasks?: { nodes?: unknown[] } };
    errors?: unknown;
  };
  const n = checked.data?.tasks?.nodes?.length ?? 0;
  if (!check.ok || checked.errors !== undefined || n === 0) {
    throw new Error(
      `the board query answered ${check.status}: ${JSON.stringify(checked).slice(0, 300)}`,
    );
  }
  if (ctx.wanted('graphql-board'))
    results.push(await measureScreens(ctx, 'graphql-board', graphqlBoard));
  if (ctx.wanted('rest-board')) results.push(await measureScreens(ctx, 'rest-board', restBoard));

  const ids = await boardTaskIds(ctx);
  const headers = { authorization: `Bearer ${ctx.token}` };
  // A GraphQL error answers 200 too: one task(id) answer is checked before it is measured.
  const one = await fetch(`${ctx.target.url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: graphqlBody(TASK_QUERY, { id: ids[0] }),
  });
  const answer = (await one.json()) as { data?: { task?: { id?: number } }; errors?: unknown };
  if (!one.ok || answer.errors !== undefined || answer.data?.task?.id !== ids[0]) {
    throw new Error(`task(id) answered ${one.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  }
  if (ctx.wanted('rest-task')) {
    results.push(
      await ctx.measure(
        'rest-task',
        { method: 'GET', next: (i) => ({ path: `/api/v1/tasks/${ids[i % ids.length]}`, headers }) },
        ctx.connections.requests,
      ),
    );
  }
  if (ctx.wanted('graphql-task')) {
    results.push(
      await ctx.measure(
        'graphql-task',
        {
          method: 'POST',
          next: (i) => ({
            path: '/graphql',
            headers,
            body: graphqlBody(TASK_QUERY, { id: ids[i % ids.length] }),
          }),
        },
        ctx.connections.requests,
      ),
    );
  }
  return results;
}

/** The targets of issue 16, from the results of one run. */
export function graphqlTargetChecks(
  find: (id: GraphqlScenarioId) => ScenarioResult | undefined,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const clean = (s: ScenarioResult): boolean =>
    s.requests > 0 && s.errors + s.timeouts + s.non2xx === 0;
  const board = find('graphql-board');
  const restBoard = find('rest-board');
  if (board && restBoard) {
    checks.push({
      target: `GraphQL board p99 ≤ the p99 of the same screen over REST (${board.connections} clients, same run)`,
      met: clean(board) && clean(restBoard) && board.latencyMs.p99 <= restBoard.latencyMs.p99,
      detail: `p50 ${board.latencyMs.p50} / p99 ${board.latencyMs.p99} ms vs p50 ${restBoard.latencyMs.p50} / p99 ${restBoard.latencyMs.p99} ms; ${board.requestsPerSec} vs ${restBoard.requestsPerSec} screens/s`,
    });
  }
  const task = find('graphql-task');
  const restTask = find('rest-task');
  if (task && restTask) {
    const share =
      restTask.requestsPerSec > 0 ? task.requestsPerSec / restTask.requestsPerSec : null;
    checks.push({
      target: `GraphQL task(id) ≥ 50% of GET /tasks/{id} requests/s (${task.connections} connections, same run)`,
      met: share === null ? null : clean(task) && clean(restTask) && share >= 0.5,
      detail: `${task.requestsPerSec} vs ${restTask.requestsPerSec} req/s (×${share === null ? 'n/a' : share.toFixed(2)}); p99 ${task.latencyMs.p99} vs ${restTask.latencyMs.p99} ms`,
    });
  }
  return checks;
}
