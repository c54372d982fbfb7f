// A port nothing listens on right now: for servers a test must name a port for up front (redis-server,
// a METRICS_PORT) or a port a request must find closed.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
