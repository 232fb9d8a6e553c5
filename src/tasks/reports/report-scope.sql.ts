import { placeholders } from '../../common/database/sql';
import type { Viewer } from '../listing/task-list-request';
import { PROJECT_INDEXES, VisiblePart, visibleParts } from '../listing/visibility.sql';

/**
 * The caller's visible tasks (of `projectIds` only, when given) as disjoint parts for a report:
 * the listing's parts (API.md "Who may do what"), with its per-project parts merged into one
 * `project_id IN (…)` range scan, since an aggregate keeps no order. Empty: nothing is visible.
 */
export function reportParts(viewer: Viewer, projectIds?: readonly number[]): VisiblePart[] {
  const parts = visibleParts(viewer, {
    scope: 'all',
    projectIds: projectIds && [...projectIds],
    terms: [],
    sort: 'created_at',
    order: 'desc',
  });
  const projects = parts.flatMap((p) => p.projectIds ?? []);
  const others = parts.filter((p) => !p.projectIds);
  if (projects.length === 0) return others;
  const merged: VisiblePart = {
    where: { conditions: [`t.project_id IN (${placeholders(projects.length)})`], params: projects },
    projectIds: projects,
    indexes: PROJECT_INDEXES,
  };
  return [merged, ...others];
}
