import net from 'node:net';

export type ProxyMode = 'up' | 'refuse' | 'blackhole';

export type TcpProxy = {
  port: number;
  /** Rewrites a service URL to go through the proxy. */
  url(target: string): string;
  /**
   * up: forward; refuse: every connection is reset and new ones are refused
   * (a service that died); blackhole: connections stay open and nothing gets
   * through either way (a partition, a frozen host).
   */
  set(mode: ProxyMode): void;
  close(): Promise<void>;
};

/**
 * A TCP proxy in front of a real service (PostgreSQL, Redis), so a test can
 * take that service away from one process without stopping the shared server.
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'up';
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    if (mode === 'refuse') return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) => from.on('data', (chunk) => {
      if (mode === 'up') to.write(chunk);
    });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url(target) {
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    set(next) {
      mode = next;
      if (next === 'refuse') for (const { client, upstream } of pairs) { client.resetAndDestroy(); upstream.destroy(); }
    },
    async close() {
      for (const { client, upstream } of pairs) { client.destroy(); upstream.destroy(); }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
