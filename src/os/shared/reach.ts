// Whether a service answers: a TCP connection on loopback (IPv4 and IPv6 at once, since a
// server may listen on either), or an HTTP status for `pm wait --http`.
import type { ReachProbe } from '../../core/ports.js';

// node:net is loaded on the first attempt, not when pm starts: most commands never connect,
// and with stdout not a terminal or pipe nothing else loads it.
let connect: typeof import('node:net').connect | undefined;

const LOOPBACKS = ['127.0.0.1', '::1'] as const;

async function connectTo(host: string, port: number, timeoutMs: number): Promise<boolean> {
  connect ??= (await import('node:net')).connect;
  const open = connect;
  return new Promise((resolve) => {
    const socket = open({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    // Refused, or a family the machine lacks (no ::1): not reachable there.
    socket.once('error', () => done(false));
  });
}

async function connectAny(port: number, timeoutMs: number): Promise<boolean> {
  const attempts = LOOPBACKS.map((host) => connectTo(host, port, timeoutMs));
  return new Promise((resolve) => {
    let left = attempts.length;
    for (const attempt of attempts) {
      void attempt.then((ok) => {
        left--;
        if (ok) resolve(true);
        else if (left === 0) resolve(false);
      });
    }
  });
}

async function statusFrom(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<number | undefined> {
  // Loaded only for --http: the HTTP client is a large part of Node's start-up otherwise.
  const { request } = await import('node:http');
  return new Promise((resolve) => {
    const req = request({
      host,
      port,
      path,
      method: 'GET',
      agent: false,
      // Dev servers check the Host header (Vite's allowedHosts): they all accept localhost.
      headers: { host: `localhost:${port}`, connection: 'close' },
      timeout: timeoutMs,
    });
    req.once('response', (response) => {
      resolve(response.statusCode);
      response.resume();
      req.destroy();
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.once('close', () => resolve(undefined));
    req.end();
  });
}

async function httpStatus(
  port: number,
  path: string,
  timeoutMs: number,
): Promise<number | undefined> {
  for (const host of LOOPBACKS) {
    if (!(await connectTo(host, port, timeoutMs))) continue;
    return statusFrom(host, port, path, timeoutMs);
  }
  return undefined;
}

export function createReachProbe(): ReachProbe {
  return { connect: connectAny, httpStatus };
}
