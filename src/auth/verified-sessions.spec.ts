import { VerifiedSessions } from './verified-sessions';

describe(VerifiedSessions.name, () => {
  it('should answer a remembered token until the second of its exp, then forget it', () => {
    let now = 1_000_000;
    const sessions = new VerifiedSessions(10, () => now);
    sessions.add('a.b.c', { userId: 7, exp: 1_005 });
    expect(sessions.get('a.b.c')).toEqual({ userId: 7, exp: 1_005 });
    now = 1_004_999;
    expect(sessions.get('a.b.c')).toEqual({ userId: 7, exp: 1_005 });
    now = 1_005_000;
    expect(sessions.get('a.b.c')).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it('should drop the oldest entry past its capacity', () => {
    const sessions = new VerifiedSessions(2, () => 0);
    sessions.add('t1', { userId: 1, exp: 60 });
    sessions.add('t2', { userId: 2, exp: 60 });
    sessions.add('t3', { userId: 3, exp: 60 });
    expect(sessions.get('t1')).toBeUndefined();
    expect(sessions.get('t2')?.userId).toBe(2);
    expect(sessions.get('t3')?.userId).toBe(3);
    expect(sessions.size).toBe(2);
  });

  it('should not know a token it was never given', () => {
    expect(new VerifiedSessions().get('x.y.z')).toBeUndefined();
  });
});
