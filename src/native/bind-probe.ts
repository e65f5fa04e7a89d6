// The last word on "is this port free": try to bind it. The scanner can miss sockets (another
// network namespace, a backend that is unavailable); the kernel's answer to bind() cannot.
import type { Server } from 'node:net';

/** Every address a dev server commonly binds: loopback and wildcard, IPv4 and IPv6. */
export const PROBE_HOSTS = ['127.0.0.1', '0.0.0.0', '::1', '::'] as const;

export type BindProbe = (port: number) => Promise<boolean>;

type HostResult = 'free' | 'taken' | 'no-family';

// node:net is loaded on the first probe: read-only commands never need it, and it is one of
// the costlier built-ins to initialise.
let createServer: (() => Server) | undefined;

async function tryBind(host: string, port: number): Promise<HostResult> {
  createServer ??= (await import('node:net')).createServer;
  const create = createServer;
  return new Promise((resolve) => {
    const server = create();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      // A machine without IPv6 (or without an IPv6 loopback) cannot host a listener there
      // either, so a missing family is not a reason to call the port taken.
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') resolve('no-family');
      else resolve('taken');
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve('free'));
    });
  });
}

/** True when the port can be bound on every address family this machine has. */
export const bindProbe: BindProbe = async (port) => {
  // One host at a time: binding 127.0.0.1 and 0.0.0.0 at once would collide with ourselves.
  for (const host of PROBE_HOSTS) {
    if ((await tryBind(host, port)) === 'taken') return false;
  }
  return true;
};
