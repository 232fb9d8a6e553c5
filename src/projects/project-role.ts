/**
 * Project roles, each including the rights of those below it (API.md "Projects and
 * membership"). Stored as TINYINT codes in this order, so "at least editor" is `role >= 2`.
 */
export const PROJECT_ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export function roleCode(role: ProjectRole): number {
  return PROJECT_ROLES.indexOf(role) + 1;
}

export function roleFromCode(code: number): ProjectRole {
  const role = PROJECT_ROLES[code - 1];
  if (role === undefined) throw new Error(`Unknown project role code ${code}`);
  return role;
}

/** True when `role` includes the rights of `minimum`. */
export function hasRole(role: ProjectRole | null | undefined, minimum: ProjectRole): boolean {
  return role != null && roleCode(role) >= roleCode(minimum);
}
