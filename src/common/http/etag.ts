/**
 * Entity tags from a resource's id and row version (`"42-7"`), and `If-Match` checks. A version
 * changes on every write of the row, so a tag names one state of the row: what `If-Match`
 * protects. Parts of a representation kept elsewhere (a task's label names and colours, owned by
 * its project's labels) may change under the same tag; the service never answers 304 on one.
 */
export function formatEtag(id: number, version: number): string {
  return `"${id}-${version}"`;
}

/**
 * True when an `If-Match` header value allows a write to the resource whose current tag is
 * `etag`: absent, `*`, or a comma list naming that tag. Weak tags (`W/"…"`) are compared by
 * their opaque part, because proxies that compress responses weaken tags they pass on.
 */
export function ifMatchSatisfied(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}
