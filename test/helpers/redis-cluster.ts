import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { ChildServer } from './child-server';
import { waitFor } from './wait';

const run = promisify(execFile);

/** True when nothing listens on `port` of 127.0.0.1 right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

/** Runs one command on a short-lived connection to one node. */
async function onNode<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
    commandTimeout: 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await command(client);
  } finally {
    client.disconnect();
  }
}

/**
 * A real Redis Cluster for tests: three `redis-server` masters in cluster mode on spare ports
 * (no replicas, no persistence), joined with `redis-cli --cluster create`. The machine's shared
 * Redis is never touched. A master can be killed and started again (empty, as after a crash
 * without persistence) to test the outage path.
 */
export class RedisCluster {
  private readonly servers = new Map<number, ChildServer>();

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
  ) {}

  /** `REDIS_CLUSTER_NODES` for this cluster. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  static async create(size = 3): Promise<RedisCluster> {
    const taken = new Set<number>();
    for (let i = 0; i < size; i += 1) taken.add(await freeClusterPort(taken));
    const cluster = new RedisCluster([...taken], await mkdtemp(join(tmpdir(), 'redis-cluster-')));
    try {
      for (const port of cluster.ports) await cluster.startNode(port);
      await run('redis-cli', [
        '--cluster',
        'create',
        ...cluster.ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Kills a master (SIGKILL): its slots have no owner until it is back. */
  async kill(port: number): Promise<void> {
    await this.servers.get(port)?.stop('SIGKILL');
    this.servers.delete(port);
  }

  /**
   * Starts a killed master again with its cluster config (so it rejoins as the owner of its
   * slots) but without data, and waits until the cluster reports ok.
   */
  async restart(port: number): Promise<void> {
    await this.startNode(port);
    await this.waitUntilOk();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].map((server) => server.stop('SIGKILL')));
    this.servers.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The port of the master that owns `key`'s slot (as the cluster says). */
  async masterOf(key: string): Promise<number> {
    const slot = await onNode(this.ports[0], (c) => c.cluster('KEYSLOT', key));
    const slots = await onNode(this.ports[0], (c) => c.cluster('SLOTS'));
    const owner = slots.find(([from, to]) => slot >= from && slot <= to)?.[2];
    if (!owner) throw new Error(`no master owns slot ${slot}`);
    return owner[1];
  }

  /** How many keys each master holds. */
  async keyCounts(): Promise<number[]> {
    return Promise.all(this.ports.map((port) => onNode(port, (c) => c.dbsize())));
  }

  private async startNode(port: number): Promise<void> {
    const server = await ChildServer.start(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${port}.conf`),
        // A lost master is noticed within a second, so the outage test needs no long wait.
        '--cluster-node-timeout',
        '1000',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      async () => (await onNode(port, (c) => c.ping()).catch(() => '')) === 'PONG',
      { timeoutMs: 10_000, intervalMs: 50, what: `redis-server (cluster) on port ${port}` },
    );
    this.servers.set(port, server);
  }

  private async waitUntilOk(): Promise<void> {
    await waitFor(
      async () => {
        const states = await Promise.all(
          this.ports.map((port) =>
            onNode(port, (c) => c.cluster('INFO')).then(
              (info) => /cluster_state:ok/.test(String(info)),
              () => false,
            ),
          ),
        );
        return states.every(Boolean);
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the Redis Cluster to report ok' },
    );
  }
}
