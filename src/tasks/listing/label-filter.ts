import type { TaskLabelsService } from '../labels/task-labels.service';
import type { TaskListFilters, Viewer } from './task-list-request';

/**
 * Fills `labelMatches` of a `label` filter: for each name, the labels of that name in the
 * projects whose tasks the caller may see (its projects, and those of the tasks assigned to it
 * elsewhere), narrowed to the `project_id` filter. Names are per project, so one name may find
 * a label in each project; none leaves that name without matches (nothing can match).
 */
export async function resolveLabelFilter(
  labels: Pick<TaskLabelsService, 'assignedProjectIds' | 'findLabelsByNames'>,
  viewer: Viewer,
  filters: TaskListFilters,
): Promise<TaskListFilters> {
  const names = filters.labels;
  if (!names?.length) return filters;
  const member = new Set(viewer.projectIds);
  const only = filters.projectIds && new Set(filters.projectIds);
  const elsewhereMayMatch = !filters.projectIds || filters.projectIds.some((id) => !member.has(id));
  const elsewhere = elsewhereMayMatch
    ? await labels.assignedProjectIds(viewer.userId, viewer.projectIds)
    : [];
  const projects = [...viewer.projectIds, ...elsewhere].filter((id) => !only || only.has(id));
  const found = await labels.findLabelsByNames(projects, names);
  return {
    ...filters,
    labelMatches: names.map((name) =>
      found
        .filter((label) => label.key === name)
        .map((label) => ({ id: label.id, projectId: label.projectId })),
    ),
  };
}
