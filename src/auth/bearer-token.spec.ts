import { UnauthorizedError } from '../common/errors/domain-errors';
import { bearerToken } from './bearer-token';

describe(bearerToken.name, () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer tms_x', 'tms_x'],
    ['  BEARER   token  ', 'token'],
  ])('should take the token of %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'tms_x'])(
    'should answer 401 to %p',
    (header) => {
      expect(() => bearerToken(header)).toThrow(UnauthorizedError);
    },
  );
});
