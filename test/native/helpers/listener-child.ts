// A child node process holding real sockets for the scanner to find. It prints one JSON line
// once every socket is bound, so tests wait for readiness instead of sleeping.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunningChild<T> {
  readonly pid: number;
  readonly report: T;
  /** Kills the child (SIGKILL) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts `node -e script` and resolves with the first JSON line it prints on stdout. */
export async function startChild<T>(script: string, timeoutMs = 10_000): Promise<RunningChild<T>> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    const report = await firstLine<T>(child, timeoutMs, () => stderr);
    return { pid: child.pid!, report, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

function firstLine<T>(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`child printed nothing within ${timeoutMs} ms; stderr: ${stderr()}`)),
      timeoutMs,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`child printed a line that is not JSON: ${line}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited early (${code ?? signal}); stderr: ${stderr()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

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
