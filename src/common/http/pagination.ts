export interface PageInfo {
  page: number;
  pageSize: number;
  total: number;
}

export function lastPage(info: PageInfo): number {
  return Math.max(1, Math.ceil(info.total / info.pageSize));
}

/**
 * The `Link` header of a paged listing (RFC 8288, as GitHub sends it): `first` and `last`
 * always, `prev` and `next` where they exist. Each URL is `path` with the request's query string,
 * every other parameter preserved and `page` replaced. URLs are path-absolute; clients resolve
 * them against the request URL.
 */
export function pageLinkHeader(path: string, query: string, info: PageInfo): string {
  const last = lastPage(info);
  const url = (page: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(page));
    return `${path}?${params.toString()}`;
  };
  const links: Array<[string, number]> = [];
  if (info.page > 1) links.push(['prev', Math.min(info.page - 1, last)]);
  if (info.page < last) links.push(['next', info.page + 1]);
  links.push(['first', 1], ['last', last]);
  return links.map(([rel, page]) => `<${url(page)}>; rel="${rel}"`).join(', ');
}

/** The query string of a request URL (without `?`), for pageLinkHeader. */
export function queryStringOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}
