/**
 * Whether a login may return to `candidate` (a front-end URL given to `authorize`).
 *
 * An entry allows the URL when scheme, host and port are the same and the path is the entry's
 * path exactly; an entry whose path ends with `/` also allows every path below it
 * (`https://app.example.com/sso/` allows `/sso/done`, not `/sso-evil`). The query is the front
 * end's own (kept, and `login_code` or `error` added); user info and a fragment are refused, so
 * `https://app.example.com@evil.example` or a `#` that hides the code from the server cannot
 * slip through. Paths are compared after URL normalization (`/a/../b` is `/b`), so dot segments
 * cannot climb out of an allowed prefix.
 */
export function isAllowedRedirect(candidate: string, allowlist: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username !== '' || url.password !== '' || candidate.includes('#')) return false;
  return allowlist.some((entry) => {
    const allowed = new URL(entry);
    if (allowed.origin !== url.origin) return false;
    return allowed.pathname.endsWith('/')
      ? url.pathname.startsWith(allowed.pathname)
      : url.pathname === allowed.pathname;
  });
}

/** `redirectUri` with `params` added to its query (what the front end reads after a login). */
export function withQuery(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
