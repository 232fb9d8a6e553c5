import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy to a server (the shared Redis) that a test can cut and restore: cutting drops
 * every connection and refuses new ones, as a network partition or a dead Redis would for the
 * instance behind the proxy, while every other client of the shared server goes on.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private cut = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const state = { proxy: undefined as TcpProxy | undefined };
    const server = createServer((client) => {
      const proxy = state.proxy;
      if (!proxy || proxy.cut) {
        client.destroy();
        return;
      }
      const upstream = createConnection(targetPort, targetHost);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        proxy.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          b.destroy();
          proxy.sockets.delete(a);
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('proxy has no port');
    state.proxy = new TcpProxy(server, address.port);
    return state.proxy;
  }

  /** Drops every connection and refuses new ones until `restore()`. */
  cutOff(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.cutOff();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
