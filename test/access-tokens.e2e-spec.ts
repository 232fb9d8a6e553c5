import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './helpers/app';
import { ALL_SCOPES, AccessTokenJson, createAccessToken, TOKENS } from './helpers/access-tokens';
import { errorBody, Session, signUp } from './helpers/factories';
import { detailFields } from './helpers/tasks';

const ME = '/api/v1/users/me';
const DAY_MS = 24 * 60 * 60 * 1000;

describe('Personal access tokens (e2e)', () => {
  let t: TestApp;
  let other: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    [t, other] = await Promise.all([startTestApp(), startTestApp()]);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await Promise.all([t.close(), other.close()]);
  });

  const row = async (id: number): Promise<Record<string, unknown>> => {
    const rows: Array<Record<string, unknown>> = await db.query(
      'SELECT * FROM personal_access_tokens WHERE id = ?',
      [id],
    );
    return rows[0];
  };

  const listed = async (owner: Session): Promise<AccessTokenJson[]> =>
    (await t.http.get(TOKENS).set(owner.auth).expect(200)).body as AccessTokenJson[];

  describe('create, list and delete', () => {
    it('should answer 201 with the token once, and store only its SHA-256', async () => {
      const owner = await signUp(t.http);
      const before = Date.now();
      const res = await t.http
        .post(TOKENS)
        .set(owner.auth)
        .send({ name: 'nightly 导出', scopes: ['tasks:read', 'webhooks'], expires_in_days: 30 })
        .expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as AccessTokenJson;
      expect(body).toEqual({
        id: expect.any(Number),
        name: 'nightly 导出',
        scopes: ['tasks:read', 'webhooks'],
        token: expect.stringMatching(/^tms_[A-Za-z0-9_-]{43}$/),
        expires_at: expect.any(String),
        last_used_at: null,
        created_at: expect.any(String),
      });
      const expiresIn = Date.parse(body.expires_at) - Date.parse(body.created_at);
      expect(expiresIn).toBe(30 * DAY_MS);
      expect(Date.parse(body.created_at)).toBeGreaterThanOrEqual(before - 1000);

      const stored = await row(body.id);
      expect(stored.token_hash).toBe(createHash('sha256').update(body.token).digest('hex'));
      expect(JSON.stringify(stored)).not.toContain(body.token.slice(4));
      expect(stored.user_id).toBe(owner.id);

      const list = await listed(owner);
      expect(list).toEqual([
        {
          id: body.id,
          name: 'nightly 导出',
          scopes: ['tasks:read', 'webhooks'],
          expires_at: body.expires_at,
          last_used_at: null,
          created_at: body.created_at,
        },
      ]);
    });

    it('should list newest first, and only the caller’s own tokens', async () => {
      const [owner, stranger] = [await signUp(t.http), await signUp(t.http)];
      const first = await createAccessToken(t.http, owner, ['tasks:read']);
      const second = await createAccessToken(t.http, owner, ['projects:read']);
      const theirs = await createAccessToken(t.http, stranger, ['tasks:read']);
      expect((await listed(owner)).map((tk) => tk.id)).toEqual([second.id, first.id]);
      expect((await listed(stranger)).map((tk) => tk.id)).toEqual([theirs.id]);
    });

    it("should answer 404 to deleting another user's token, which keeps working", async () => {
      const [owner, stranger] = [await signUp(t.http), await signUp(t.http)];
      const token = await createAccessToken(t.http, owner, ['tasks:read']);
      const res = await t.http.delete(`${TOKENS}/${token.id}`).set(stranger.auth).expect(404);
      expect(res.body).toEqual(errorBody('NOT_FOUND'));
      await t.http.get(ME).set(token.auth).expect(200);
    });

    it('should stop a deleted token at once, on every instance', async () => {
      const owner = await signUp(t.http);
      const token = await createAccessToken(t.http, owner, ['tasks:read']);
      await other.http.get('/api/v1/tasks').set(token.auth).expect(200);

      await t.http.delete(`${TOKENS}/${token.id}`).set(owner.auth).expect(204);

      const res = await other.http.get('/api/v1/tasks').set(token.auth).expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
      await t.http.get(ME).set(token.auth).expect(401);
      expect(await listed(owner)).toEqual([]);
      expect((await row(token.id)).revoked_at).not.toBeNull();
      await t.http.delete(`${TOKENS}/${token.id}`).set(owner.auth).expect(404);
    });

    it('should answer 400 to a non-canonical id', async () => {
      const owner = await signUp(t.http);
      const res = await t.http.delete(`${TOKENS}/01`).set(owner.auth).expect(400);
      expect(detailFields(res.body)).toEqual(['id']);
    });
  });

  describe('authentication with a token', () => {
    it('should act as its user', async () => {
      const owner = await signUp(t.http);
      const token = await createAccessToken(t.http, owner, ['tasks:read']);
      const me = await t.http.get(ME).set(token.auth).expect(200);
      expect(me.body).toMatchObject({ id: owner.id, username: owner.username });
    });

    it('should answer 401 once expired', async () => {
      const owner = await signUp(t.http);
      const token = await createAccessToken(t.http, owner, ['tasks:read']);
      await t.http.get(ME).set(token.auth).expect(200);
      await db.query(
        'UPDATE personal_access_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?',
        [token.id],
      );
      const res = await t.http.get(ME).set(token.auth).expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
      // Still listed (its expiry shows) until deleted.
      expect((await listed(owner)).map((tk) => tk.id)).toEqual([token.id]);
    });

    it.each([
      ['an unknown token of the right shape', `tms_${'A'.repeat(43)}`],
      ['a truncated token', 'tms_abc'],
      ['a token with a bad character', `tms_${'A'.repeat(42)}.`],
      ['the prefix alone', 'tms_'],
    ])('should answer 401 to %s', async (_name, token) => {
      const res = await t.http.get(ME).set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body).toEqual(errorBody('UNAUTHORIZED'));
    });

    it('should record last_used_at, at most once a minute', async () => {
      const owner = await signUp(t.http);
      const token = await createAccessToken(t.http, owner, ['tasks:read']);
      expect((await row(token.id)).last_used_at).toBeNull();

      await t.http.get(ME).set(token.auth).expect(200);
      const first = (await listed(owner))[0].last_used_at;
      expect(first).not.toBeNull();
      expect(Date.parse(first!)).toBeGreaterThanOrEqual(Date.parse(token.created_at));

      // Within the minute: no write.
      await t.http.get(ME).set(token.auth).expect(200);
      expect((await listed(owner))[0].last_used_at).toBe(first);

      // An older use is refreshed.
      await db.query(
        'UPDATE personal_access_tokens SET last_used_at = NOW(3) - INTERVAL 2 MINUTE WHERE id = ?',
        [token.id],
      );
      const stale = (await listed(owner))[0].last_used_at!;
      await t.http.get(ME).set(token.auth).expect(200);
      const refreshed = (await listed(owner))[0].last_used_at!;
      expect(Date.parse(refreshed)).toBeGreaterThan(Date.parse(stale) + 60_000);
    });

    it('should refuse token management with a token, even one holding every scope', async () => {
      const owner = await signUp(t.http);
      const token = await createAccessToken(t.http, owner, ALL_SCOPES);
      const created = await t.http
        .post(TOKENS)
        .set(token.auth)
        .send({ name: 'minted', scopes: ['tasks:read'], expires_in_days: 1 })
        .expect(403);
      expect(created.body).toEqual(errorBody('FORBIDDEN'));
      await t.http.get(TOKENS).set(token.auth).expect(403);
      await t.http.delete(`${TOKENS}/${token.id}`).set(token.auth).expect(403);
      expect((await listed(owner)).map((tk) => tk.id)).toEqual([token.id]);
    });
  });

  describe('bad input', () => {
    const valid = { name: 'script', scopes: ['tasks:read'], expires_in_days: 7 };

    it.each([
      ['expires_in_days: 0', { expires_in_days: 0 }, 'expires_in_days'],
      ['expires_in_days: 366', { expires_in_days: 366 }, 'expires_in_days'],
      ['expires_in_days: 1.5', { expires_in_days: 1.5 }, 'expires_in_days'],
      ['expires_in_days as a string', { expires_in_days: '30' }, 'expires_in_days'],
      ['no expires_in_days', { expires_in_days: undefined }, 'expires_in_days'],
      ['an unknown scope', { scopes: ['tasks:admin'] }, 'scopes'],
      ['empty scopes', { scopes: [] }, 'scopes'],
      ['a repeated scope', { scopes: ['tasks:read', 'tasks:read'] }, 'scopes'],
      ['scopes as a string', { scopes: 'tasks:read' }, 'scopes'],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a lone surrogate in the name', { name: 'a\uD800' }, 'name'],
      ['an unknown field', { user_id: 1 }, 'user_id'],
    ])('should answer 400 naming the field for %s', async (_name, change, field) => {
      const owner = await signUp(t.http);
      const res = await t.http
        .post(TOKENS)
        .set(owner.auth)
        .send({ ...valid, ...change })
        .expect(400);
      expect(res.body).toMatchObject(errorBody('VALIDATION_FAILED'));
      expect(detailFields(res.body)).toEqual([field]);
      expect(await listed(owner)).toEqual([]);
    });

    it('should accept the bounds: 1 and 365 days, a name of 100 characters, every scope', async () => {
      const owner = await signUp(t.http);
      for (const body of [
        { ...valid, expires_in_days: 1 },
        { ...valid, expires_in_days: 365, name: 'n'.repeat(100), scopes: [...ALL_SCOPES] },
      ]) {
        await t.http.post(TOKENS).set(owner.auth).send(body).expect(201);
      }
    });

    it('should cap the tokens a user holds at 50 (409), until one is deleted', async () => {
      const owner = await signUp(t.http);
      const ids: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        ids.push((await createAccessToken(t.http, owner, ['tasks:read'])).id);
      }
      const res = await t.http.post(TOKENS).set(owner.auth).send(valid).expect(409);
      expect(res.body).toEqual(errorBody('CONFLICT'));
      await t.http.delete(`${TOKENS}/${ids[0]}`).set(owner.auth).expect(204);
      await t.http.post(TOKENS).set(owner.auth).send(valid).expect(201);
    });
  });
});
