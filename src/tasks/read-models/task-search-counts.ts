import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ReadReplicas } from '../../read-replicas/read-replicas.service';
import type { SearchCountPlan } from '../listing/listing.sql';
import {
  BucketRun,
  buildSearchCountQuery,
  SEARCH_COUNT_ROW,
  SearchCountRow,
} from './search-counts.sql';

/**
 * Bounds of the cache, one entry per (project, bucket, search terms): at most this many
 * entries, and this many characters of keys (a key is ~20 characters plus the terms, at most
 * MAX_SEARCH_LENGTH), so a few MB per process whatever the searches.
 */
const MAX_ENTRIES = 50_000;
const MAX_KEY_CHARS = 4_000_000;

/**
 * Statements before a count gives up on its cache: each later one recounts the buckets whose
 * version moved meanwhile, and the last recounts every bucket (which always agrees with itself).
 */
const MAX_ROUNDS = 3;

interface BucketCount {
  version: number;
  n: number;
}

export interface Bucket {
  projectId: number;
  bucket: number;
  version: number;
}

/**
 * X-Total-Count of a search over whole projects, exact and cheap when the projects' text has
 * not changed since the last search of the same terms. Counting the matches of a 100,000-task
 * project reads all of its task_search rows (~50 ms of MariaDB CPU); the count of each
 * (project, 32-day bucket, terms) is kept here under the bucket's version, which every write
 * of one of its rows grows in the write's transaction (TaskSearchService). A search reads the
 * versions (a few rows a project) and recounts only the buckets whose version moved: after a
 * new task, the current bucket, not the project.
 *
 * Exact by construction, in any number of processes and behind read replicas: a count is only
 * reused under the version it was counted at, and the total is only answered from versions and
 * counts read by one statement (one snapshot); when a bucket's version moved between the
 * statement that found it cached and the one that recounts the others, it is recounted too.
 * The entries live in this process (LRU-bounded), so nothing can serve them after a write that
 * bypassed the versions: rows changed by SQL outside the service need buildBucketsRefresh.
 */
@Injectable()
export class TaskSearchCounts {
  private readonly cache = new LRUCache<string, BucketCount>({
    max: MAX_ENTRIES,
    maxSize: MAX_KEY_CHARS,
    sizeCalculation: (_value, key) => key.length,
  });

  constructor(private readonly reads: ReadReplicas) {}

  async count(userId: number, plan: SearchCountPlan): Promise<number> {
    // Terms are a set (each must occur), so their order does not make another count. They are
    // not case-folded here: MariaDB's LOWER decides what matches, JavaScript's might differ.
    const termsKey = JSON.stringify([...new Set(plan.terms)].sort());
    const keyOf = (projectId: number, bucket: number): string =>
      `${projectId}:${bucket}:${termsKey}`;
    // The first statement only reads versions: with every bucket cached it is the only one.
    let runs: BucketRun[] = [];
    for (let round = 1; ; round++) {
      const query = buildSearchCountQuery(plan.projectIds, plan.terms, runs, plan.others);
      const rows = await this.reads.query<SearchCountRow[]>(userId, query.sql, query.params);
      const buckets: Bucket[] = [];
      const matches = new Map<string, number>();
      let total = 0;
      for (const row of rows) {
        const kind = Number(row.k);
        if (kind === SEARCH_COUNT_ROW.others) total += Number(row.n ?? 0);
        else if (kind === SEARCH_COUNT_ROW.matches) {
          matches.set(keyOf(Number(row.p), Number(row.b)), Number(row.n));
        } else {
          buckets.push({ projectId: Number(row.p), bucket: Number(row.b), version: Number(row.n) });
        }
      }
      // Every bucket counts at this statement's version: counted now, or cached at it.
      const stale: Bucket[] = [];
      for (const b of buckets) {
        const key = keyOf(b.projectId, b.bucket);
        if (runs.some((run) => covers(run, b))) {
          const n = matches.get(key) ?? 0;
          matches.delete(key);
          this.cache.set(key, { version: b.version, n });
          total += n;
          continue;
        }
        const cached = this.cache.get(key);
        if (cached?.version === b.version) total += cached.n;
        else stale.push(b);
      }
      // Matches of a bucket without a version row cannot happen while every task_search write
      // goes through TaskSearchService; they count all the same, and are never cached.
      for (const n of matches.values()) total += n;
      if (stale.length === 0) return total;
      runs =
        round >= MAX_ROUNDS
          ? plan.projectIds.map((projectId) => ({ projectId, from: null, to: null }))
          : runsOf(buckets, stale);
    }
  }
}

function covers(run: BucketRun, b: Bucket): boolean {
  if (run.projectId !== b.projectId) return false;
  return run.from === null || run.to === null || (b.bucket >= run.from && b.bucket <= run.to);
}

/**
 * The stale buckets as runs of consecutive buckets of a project (one primary-key range each);
 * a project whose buckets are all stale is read whole.
 */
export function runsOf(buckets: readonly Bucket[], stale: readonly Bucket[]): BucketRun[] {
  const isStale = new Set(stale);
  const byProject = new Map<number, Bucket[]>();
  for (const b of buckets) {
    const list = byProject.get(b.projectId);
    if (list) list.push(b);
    else byProject.set(b.projectId, [b]);
  }
  const runs: BucketRun[] = [];
  for (const [projectId, list] of byProject) {
    const sorted = [...list].sort((a, b) => a.bucket - b.bucket);
    if (sorted.every((b) => isStale.has(b))) {
      runs.push({ projectId, from: null, to: null });
      continue;
    }
    let open: BucketRun | null = null;
    for (const b of sorted) {
      if (!isStale.has(b)) {
        open = null;
      } else if (open) {
        open.to = b.bucket;
      } else {
        open = { projectId, from: b.bucket, to: b.bucket };
        runs.push(open);
      }
    }
  }
  return runs;
}
