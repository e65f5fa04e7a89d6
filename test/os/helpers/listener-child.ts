// A child node process holding real sockets for the scanner to find. It prints one JSON line
// once every socket is bound, so tests wait for readiness instead of sleeping.
export { type RunningChild, startChild } from '../../helpers/child.js';

/** Ports of the sockets LISTENERS_SCRIPT opens, by name. */
export interface ListenerPorts {
  readonly loopback4: number;
  readonly any4: number;
  readonly loopback6: number;
  readonly dualStack: number;
  readonly v6only: number;
  readonly mapped: number;
  readonly udp4: number;
  readonly udp6: number;
}

/** TCP listeners on every kind of address a dev server uses, plus two bound UDP sockets. */
export const LISTENERS_SCRIPT = `
const net = require('node:net');
const dgram = require('node:dgram');
const tcp = {
  loopback4: { host: '127.0.0.1' },
  any4: { host: '0.0.0.0' },
  loopback6: { host: '::1' },
  dualStack: { host: '::', ipv6Only: false },
  v6only: { host: '::', ipv6Only: true },
  mapped: { host: '::ffff:127.0.0.1' },
};
const udp = { udp4: ['udp4', '127.0.0.1'], udp6: ['udp6', '::1'] };
const ports = {};
const bound = [];
for (const [name, options] of Object.entries(tcp)) {
  bound.push(new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ ...options, port: 0 }, () => { ports[name] = server.address().port; resolve(); });
  }));
}
for (const [name, [type, host]] of Object.entries(udp)) {
  bound.push(new Promise((resolve, reject) => {
    const socket = dgram.createSocket(type);
    socket.once('error', reject);
    socket.bind(0, host, () => { ports[name] = socket.address().port; resolve(); });
  }));
}
Promise.all(bound).then(
  () => console.log(JSON.stringify(ports)),
  (error) => { console.error(error); process.exit(1); },
);
`;
