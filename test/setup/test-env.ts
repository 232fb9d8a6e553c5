/** Environment shared by the e2e global setup, teardown and specs. */
export const TEST_DB_ENV = 'E2E_DB_NAME';

export function baseConnection(): { host: string; port: number; user: string; password: string } {
  return {
    host: process.env.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 3306),
    user: process.env.DB_USER ?? 'root',
    password: process.env.DB_PASSWORD ?? '',
  };
}
