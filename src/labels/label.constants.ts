export const LABEL_NAME_MAX = 50;
export const DEFAULT_LABEL_COLOR = '#808080';
export const LABEL_COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
/** At most this many labels on one task (`label_ids`). */
export const MAX_TASK_LABELS = 20;
/** At most this many names in the listing's `label` filter (a task carries at most 20). */
export const MAX_LABEL_FILTER = MAX_TASK_LABELS;
