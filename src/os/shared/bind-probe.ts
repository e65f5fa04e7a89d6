// The last word on "is this port free": try to bind it. The scanner can miss sockets (another
// network namespace, a backend that is unavailable); the kernel's answer to bind() cannot.
// Both protocols are tried: a bound UDP socket holds a port as surely as a TCP listener.
import type { Socket, SocketType } from 'node:dgram';
import type { Server } from 'node:net';

/** Every address a dev server commonly binds: loopback and wildcard, IPv4 and IPv6. */
export const PROBE_HOSTS = ['127.0.0.1', '0.0.0.0', '::1', '::'] as const;

export type BindProbe = (port: number) => Promise<boolean>;

type HostResult = 'free' | 'taken' | 'no-family';

// node:net and node:dgram are loaded on the first probe: read-only commands never need them,
// and they are among the costlier built-ins to initialise.
let createServer: (() => Server) | undefined;
let createSocket: ((type: SocketType) => Socket) | undefined;

function outcomeOf(error: NodeJS.ErrnoException): HostResult {
  // A machine without IPv6 (or without an IPv6 loopback) cannot host a listener there
  // either, so a missing family is not a reason to call the port taken.
  return error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT' ? 'no-family' : 'taken';
}

async function tryTcp(host: string, port: number): Promise<HostResult> {
  createServer ??= (await import('node:net')).createServer;
  const create = createServer;
  return new Promise((resolve) => {
    const server = create();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(outcomeOf(error)));
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve('free'));
    });
  });
}

async function tryUdp(host: string, port: number): Promise<HostResult> {
  createSocket ??= (await import('node:dgram')).createSocket;
  const create = createSocket;
  return new Promise((resolve) => {
    let socket: Socket;
    try {
      socket = create(host.includes(':') ? 'udp6' : 'udp4');
    } catch (error) {
      resolve(outcomeOf(error as NodeJS.ErrnoException));
      return;
    }
    socket.unref();
    socket.once('error', (error: NodeJS.ErrnoException) => {
      try {
        socket.close();
      } catch {
        // Already closed by the failed bind.
      }
      resolve(outcomeOf(error));
    });
    // exclusive: a clustered worker must not share the socket with its primary's.
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.close(() => resolve('free'));
    });
  });
}

/** True when the port can be bound, TCP and UDP, on every address family this machine has. */
export const bindProbe: BindProbe = async (port) => {
  // One host at a time: binding 127.0.0.1 and 0.0.0.0 at once would collide with ourselves.
  for (const attempt of [tryTcp, tryUdp]) {
    for (const host of PROBE_HOSTS) {
      if ((await attempt(host, port)) === 'taken') return false;
    }
  }
  return true;
};
