import { startChild } from './child.js';

export interface HeldPorts {
  readonly pid: number;
  /** The ports actually bound, in the order of the requested hosts. */
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/**
 * Holds TCP listeners in a separate process (a different PID from the test's, as a real dev
 * server would be). `port` 0 lets the OS choose. Resolves once every listener is bound.
 */
export async function holdListeners(
  specs: readonly { host: string; port?: number; ipv6Only?: boolean }[],
): Promise<HeldPorts> {
  const script = `
    const net = require('node:net');
    (async () => {
      const ports = [];
      for (const spec of ${JSON.stringify(specs)}) {
        const server = net.createServer();
        await new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: spec.host, port: spec.port ?? 0, ipv6Only: spec.ipv6Only ?? false }, resolve);
        });
        ports.push(server.address().port);
      }
      console.log(JSON.stringify(ports));
    })().catch((error) => { console.error(String(error)); process.exit(3); });
  `;
  const child = await startChild<number[]>(script);
  return { pid: child.pid, ports: child.report, stop: child.stop };
}
