// Knocking on a local port: does something accept a TCP connection there, and what does it
// answer to an HTTP GET. Loopback only (127.0.0.1, then ::1): pm asks about the user's own
// services, never about another machine.
import { request } from 'node:http';
import { connect } from 'node:net';

const LOOPBACK = ['127.0.0.1', '::1'] as const;

export interface Reach {
  /** The loopback address that accepted a connection within `timeoutMs`, or undefined. */
  connects(port: number, timeoutMs: number): Promise<string | undefined>;
  /** The status of `GET path` on `host:port`, or undefined when no HTTP answer came in time. */
  httpStatus(
    host: string,
    port: number,
    path: string,
    timeoutMs: number,
  ): Promise<number | undefined>;
}

function connectsTo(host: string, port: number, timeoutMs: number): Promise<boolean> {
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
  httpStatus(host, port, path, timeoutMs) {
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
