/** A label as this module hands it out (and as the per-project label cache holds it). */
export interface LabelRecord {
  id: number;
  projectId: number;
  name: string;
  color: string;
  /** RFC 3339 (a cache entry is JSON). */
  createdAt: string;
}

/**
 * Every label of a project by name (then id), under the project's label version
 * (`label_versions`), which grows on every label write.
 */
export interface LabelSet {
  labels: LabelRecord[];
}

/** The name order of every label list: the database's (ORDER BY name, id). */
export const LABEL_ORDER_SQL = 'ORDER BY name, id';
