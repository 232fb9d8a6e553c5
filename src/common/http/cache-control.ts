/** What a shared cache may keep of a response that carries a token: nothing (RFC 6749 §5.1). */
export const NO_STORE = 'no-store';
/** A signed-in user's data: kept only by that user's browser, and revalidated (ETag) each time. */
export const PRIVATE_REVALIDATE = 'private, no-cache';

/**
 * The `Cache-Control` of an API response whose handler set none (API.md, General). A signed-in
 * user's successful read may stay in their own browser, revalidated by its ETag; everything else
 * (tokens from login and refresh, writes, errors, anonymous answers) is never stored, so no
 * shared cache or back button shows one user's data or token to another.
 */
export function apiCacheControl(method: string, status: number, authenticated: boolean): string {
  const read = method === 'GET' || method === 'HEAD';
  return authenticated && read && status < 400 ? PRIVATE_REVALIDATE : NO_STORE;
}
