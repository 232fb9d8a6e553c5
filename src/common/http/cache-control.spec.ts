import { apiCacheControl, NO_STORE, PRIVATE_REVALIDATE } from './cache-control';

describe(apiCacheControl.name, () => {
  it.each([
    ['GET', 200, true, PRIVATE_REVALIDATE],
    ['HEAD', 200, true, PRIVATE_REVALIDATE],
    ['GET', 304, true, PRIVATE_REVALIDATE],
    ['GET', 404, true, NO_STORE],
    ['GET', 401, false, NO_STORE],
    ['GET', 200, false, NO_STORE],
    ['POST', 200, false, NO_STORE],
    ['POST', 201, true, NO_STORE],
    ['PATCH', 200, true, NO_STORE],
    ['DELETE', 200, true, NO_STORE],
  ])('should answer %s %i (authenticated: %s) with %s', (method, status, auth, expected) => {
    expect(apiCacheControl(method, status, auth)).toBe(expected);
  });
});
