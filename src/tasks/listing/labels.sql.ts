import { placeholders, SqlQuery } from '../../common/database/sql';
import { allRowConditions, Conditions, merge } from './filters.sql';
import { rowSourceOf, SORT_COLUMNS, Source } from './source';
import type { TaskListFilters, Viewer } from './task-list-request';
import { VisiblePart, visibleParts } from './visibility.sql';

/**
 * The plans of the listing's `label` filter. task_labels holds the labels of live tasks only
 * (a deletion takes its rows), and a task carries labels of its own project only, so the
 * label index (label_id, task_created_at, task_id) alone knows how many tasks of a project
 * carry a label, and in which default order.
 *
 * - Count: per part, from task_labels; a project part with no other filter is counted on the
 *   index alone (no task row is read), otherwise each match is joined to its row.
 * - Page: a project part with no other filter, in the default sort (created_at), is read on
 *   the label index in its order and stops at the page's end (no task row is read). Otherwise
 *   a part with few matches (≤ LABEL_DRIVEN_MAX) reads them from task_labels and sorts them;
 *   a part with many reads its tasks in the sort's index order and probes task_labels per
 *   row, so it stops after about (offset + limit) × (tasks / matches) rows.
 * The page plan is chosen per part from that part's count, which the listing reads first.
 */

/** Up to this many matches a part's page is read from the label's tasks (then sorted). */
export const LABEL_DRIVEN_MAX = 2000;

/** A visible part that the label filter can match, with its labels per name. */
export interface LabelPart {
  part: VisiblePart;
  /** For each name, the labels the part's tasks can carry. */
  ids: number[][];
}

/**
 * For each name of the filter, the labels that tasks of the part can carry (those of its
 * projects); null when some name has none there, so the part cannot match.
 */
export function partLabelIds(part: VisiblePart, filters: TaskListFilters): number[][] | null {
  const matches = filters.labelMatches;
  if (!matches) throw new Error('the label filter was not resolved (resolveLabelFilter)');
  const inPart = part.projectIds && new Set(part.projectIds);
  const ids = matches.map((labels) =>
    labels.filter((label) => !inPart || inPart.has(label.projectId)).map((label) => label.id),
  );
  return ids.some((list) => list.length === 0) ? null : ids;
}

/** The visible parts that can match, in visibleParts' order (the counts' order). */
export function labelParts(viewer: Viewer, filters: TaskListFilters): LabelPart[] {
  return visibleParts(viewer, filters).flatMap((part) => {
    const ids = partLabelIds(part, filters);
    return ids ? [{ part, ids }] : [];
  });
}

/** The task `id` carries one of each list of labels: EXISTS probes of task_labels' key. */
function carries(id: string, lists: readonly number[][], firstAlias: number): Conditions {
  return merge(
    ...lists.map((labels, i): Conditions => {
      const tl = `tl${firstAlias + i}`;
      return {
        conditions: [
          `EXISTS (SELECT 1 FROM task_labels ${tl} WHERE ${tl}.task_id = ${id} AND ` +
            `${tl}.label_id IN (${placeholders(labels.length)}))`,
        ],
        params: labels,
      };
    }),
  );
}

const driving = (labels: readonly number[]): Conditions => ({
  conditions: [`tl.label_id IN (${placeholders(labels.length)})`],
  params: [...labels],
});

/** No filter but the labels (and visibility) needs the task row. */
function labelsAlone(filters: TaskListFilters): boolean {
  return (
    !filters.statuses?.length &&
    !filters.priorities?.length &&
    !filters.dueBefore &&
    !filters.dueAfter &&
    filters.overdue === undefined &&
    filters.assignee === undefined &&
    filters.terms.length === 0
  );
}

/**
 * The part read from the tasks carrying the first name's label, each joined to its row by
 * primary key (search terms matched on the row); the other names are probes.
 */
export function labelDrivenSource(
  { part, ids: [first, ...others] }: LabelPart,
  filters: TaskListFilters,
  now: Date,
): Source {
  return {
    from: 'task_labels tl STRAIGHT_JOIN tasks t ON t.id = tl.task_id',
    where: merge(
      driving(first),
      part.where,
      allRowConditions(filters, now),
      carries('t.id', others, 1),
    ),
    id: 't.id',
    sort: `t.${SORT_COLUMNS[filters.sort]}`,
  };
}

/**
 * A project part with no other filter, on task_labels alone: the first name's tasks on the
 * label index, in (task_created_at, task_id) order, the other names probes. Null when the
 * part or its filters need the task row.
 */
function labelIndexSource({ part, ids }: LabelPart, filters: TaskListFilters): Source | null {
  if (!part.projectIds || !labelsAlone(filters)) return null;
  const [first, ...others] = ids;
  return {
    from: 'task_labels tl',
    where: merge(driving(first), carries('tl.task_id', others, 1)),
    id: 'tl.task_id',
    sort: 'tl.task_created_at',
  };
}

/** The part counted: on the label index alone when nothing else filters. */
export function labelCountSource(
  labelPart: LabelPart,
  filters: TaskListFilters,
  now: Date,
): Source {
  return labelIndexSource(labelPart, filters) ?? labelDrivenSource(labelPart, filters, now);
}

/**
 * The part's page on the label index in its order, when that is the sort's (created_at, id):
 * a single label stops after offset + limit entries, and no task row is read.
 */
export function labelOrderedSource(labelPart: LabelPart, filters: TaskListFilters): Source | null {
  return filters.sort === 'created_at' ? labelIndexSource(labelPart, filters) : null;
}

/** The part read in the sort's index order, each row probed for every name. */
export function labelProbeSource(
  { part, ids }: LabelPart,
  filters: TaskListFilters,
  now: Date,
): Source {
  const rows = rowSourceOf(part, filters, now);
  return { ...rows, where: merge(rows.where, carries('t.id', ids, 1)) };
}

/** One count source per label part (labelParts' order). */
export function labelCountSources(viewer: Viewer, filters: TaskListFilters, now: Date): Source[] {
  return labelParts(viewer, filters).map((lp) => labelCountSource(lp, filters, now));
}

/** The page sources, each part's plan chosen by its count; parts without matches left out. */
export function labelPageSources(
  viewer: Viewer,
  filters: TaskListFilters,
  now: Date,
  counts: readonly number[],
): Source[] {
  return labelParts(viewer, filters).flatMap((lp, i) => {
    const n = counts[i] ?? 0;
    if (n === 0) return [];
    return [
      labelOrderedSource(lp, filters) ??
        (n <= LABEL_DRIVEN_MAX
          ? labelDrivenSource(lp, filters, now)
          : labelProbeSource(lp, filters, now)),
    ];
  });
}

/** Each source's count, as columns `c0`, `c1`, … of one row. */
export function buildPartCountsQuery(sources: readonly Source[]): SqlQuery | null {
  if (sources.length === 0) return null;
  return {
    sql: `SELECT ${sources
      .map(
        (s, i) =>
          `(SELECT COUNT(*) FROM ${s.from} WHERE ${s.where.conditions.join(' AND ')}) AS c${i}`,
      )
      .join(', ')}`,
    params: sources.flatMap((s) => s.where.params),
  };
}
