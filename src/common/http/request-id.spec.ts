import type { IncomingMessage } from 'node:http';
import { genRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function requestWith(header?: string | string[]): IncomingMessage & { id?: string } {
  const headers = header === undefined ? {} : { 'x-request-id': header };
  return { headers } as unknown as IncomingMessage & { id?: string };
}

describe(genRequestId.name, () => {
  it.each(['abc', 'client-42_x.y:z@host', 'a'.repeat(128)])('should echo the sane id %s', (id) => {
    const req = requestWith(id);
    expect(genRequestId(req)).toBe(id);
    expect(req.id).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['129 characters long', 'a'.repeat(129)],
    ['containing a space', 'a b'],
    ['containing a newline', 'a\nb'],
    ['containing a quote', 'a"b'],
  ])('should generate a UUID when the id is %s', (_name, id) => {
    const req = requestWith(id);
    const generated = genRequestId(req);
    expect(generated).toMatch(UUID);
    expect(req.id).toBe(generated);
  });

  it('should use the first of repeated headers only when it is sane', () => {
    expect(genRequestId(requestWith(['first', 'second']))).toBe('first');
  });
});
