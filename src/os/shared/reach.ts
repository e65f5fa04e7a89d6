// Knocking on a local port: does something accept a TCP connection there, and what does it
// answer to an HTTP GET. Loopback only (127.0.0.1, then ::1): pm asks about the user's own
// services, never about another machine.
// Node's net and http load on the first knock, not with `pm mcp`'s start-up.

import type { Reach } from '../../core/ports.js';

export type { Reach };

const LOOPBACK = ['127.0.0.1', '::1'] as const;

async function connectsTo(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const loopbackReach: Reach = {
  async connects(port, timeoutMs) {
    for (const host of LOOPBACK) if (await connectsTo(host, port, timeoutMs)) return host;
    return undefined;
  },
  async httpStatus(host, port, path, timeoutMs) {
    const { request } = await import('node:http');
    return new Promise((resolve) => {
      const req = request(
        { host, port, path, method: 'GET', timeout: timeoutMs, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.once('timeout', () => req.destroy());
      req.once('error', () => resolve(undefined));
      req.end();
    });
  },
};
