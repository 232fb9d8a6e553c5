/** A statement and its bound parameters, as the `*.sql.ts` builders make them. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** `?, ?, ?` for `n` parameters (n ≥ 1). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Runs one statement on the caller's connection (a TypeORM manager or a mysql2 connection). */
export type RunSql = (sql: string, params: unknown[]) => Promise<unknown>;
