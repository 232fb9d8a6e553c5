import Fastify, { FastifyInstance } from 'fastify';
import { InFlightLimiter, installLoadShedding } from './load-shedding';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls (every 5 ms, for at most 5 s) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe(installLoadShedding.name, () => {
  let fastify: FastifyInstance;
  let base: string;
  const limiter = new InFlightLimiter(2);
  let gate = deferred();
  let handled = 0;

  beforeAll(async () => {
    // The clients' keep-alive sockets (and the aborted one) must not hold close() open.
    fastify = Fastify({ forceCloseConnections: true });
    installLoadShedding(fastify, limiter);
    fastify.get('/api/v1/slow', async () => {
      handled += 1;
      await gate.promise;
      return { ok: true };
    });
    fastify.get('/health/ready', () => ({ status: 'ok' }));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const address = fastify.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    gate.resolve();
    await fastify.close();
  });

  it('should refuse API requests past the limit before their handler runs, and admit again later', async () => {
    const first = [fetch(`${base}/api/v1/slow`), fetch(`${base}/api/v1/slow`)];
    await until(() => limiter.inFlight === 2, 'two requests in flight');

    const refused = await fetch(`${base}/api/v1/slow`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      error: expect.any(String),
      code: 'SERVICE_UNAVAILABLE',
      request_id: expect.any(String),
    });
    expect(handled).toBe(2);

    const health = await fetch(`${base}/health/ready`);
    expect(health.status).toBe(200);

    gate.resolve();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    await until(() => limiter.inFlight === 0, 'the slots to be freed');

    gate = deferred();
    gate.resolve();
    expect((await fetch(`${base}/api/v1/slow`)).status).toBe(200);
    expect(limiter.inFlight).toBe(0);
  });

  it('should free the slot of a client that went away', async () => {
    gate = deferred();
    const controller = new AbortController();
    const aborted = fetch(`${base}/api/v1/slow`, { signal: controller.signal }).catch(() => null);
    await until(() => limiter.inFlight === 1, 'one request in flight');
    controller.abort();
    await aborted;
    await until(() => limiter.inFlight === 0, 'the slots to be freed');
    gate.resolve();
  });
});

describe(InFlightLimiter.name, () => {
  it('should count up to the limit, refuse past it and count the refusals', () => {
    const limiter = new InFlightLimiter(2);
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([
      true,
      true,
      false,
    ]);
    limiter.release();
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.takeShedCount()).toBe(1);
    expect(limiter.takeShedCount()).toBe(0);
  });

  it('should reject a limit that is not a positive integer', () => {
    expect(() => new InFlightLimiter(0)).toThrow(RangeError);
    expect(() => new InFlightLimiter(1.5)).toThrow(RangeError);
  });
});
