import net from 'node:net';

/** The hub's port is taken: said before any worker starts, so nothing runs half-started. */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(readonly port: number, host: string) {
    super(`port ${port} on ${host} is already in use (another hub?): stop that process or set PORT to a free port`);
    this.name = 'PortInUseError';
  }
}

/**
 * Binds the port for a moment and lets it go. The HTTP server itself listens
 * only after the adapters have added their routes, by which time workers
 * would already be consuming queues; this check fails first.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
