// `pm wait` as scripts use it: the built CLI against listeners this file starts (and, for a
// moved service, a server started through `pm run`). Only processes started here are signalled.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChild } from '../helpers/child.js';
import { runPm } from '../helpers/cli.js';
import { livePm } from '../helpers/live-pm.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const RANGE = '28300-28349';
const tempDir = tempDirPerTest('pm-wait-cli-');
const startPm = livePm();

async function registry() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runPm(['--registry', path, ...args]);
  expect((await pm('config', '--range', RANGE)).code).toBe(0);
  return { path, pm };
}

/** A port nobody listens on right now: one the OS handed out and took back. */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  await new Promise((done) => server.close(() => done(undefined)));
  return port;
}

/** A separate process listening on `port` (TCP, or HTTP answering `status`) once started. */
function listenIn(port: number, options: { host?: string; status?: number } = {}) {
  const host = options.host ?? '127.0.0.1';
  const server =
    options.status === undefined
      ? `require('node:net').createServer(() => {})`
      : `require('node:http').createServer((q, r) => { r.statusCode = ${options.status}; r.end(); })`;
  return startChild<{ pid: number }>(
    `${server}.listen(${port}, '${host}', () => console.log(JSON.stringify({ pid: process.pid })));`,
  );
}

describe('pm wait', () => {
  it('waits for a listener that comes later, on IPv6 loopback too, and exits 0', async () => {
    const { path, pm } = await registry();
    const port = Number((await pm('allocate', 'shop', 'web')).stdout);
    const wait = startPm(['--registry', path, 'wait', 'shop', 'web', '--timeout', '20']);
    await wait.waitFor(/waiting for shop\/web on port \d+/);
    const server = await listenIn(port, { host: '::1' }).catch(() => listenIn(port));
    try {
      expect(await wait.exited).toBe(0);
      expect(wait.output().stderr).toMatch(
        new RegExp(`shop/web accepts connections on port ${port} \\(after \\d+\\.\\d s\\)`),
      );
      // Already listening: the first attempt answers, nothing is said about waiting.
      const again = await pm('wait', 'shop', 'web', '--json');
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({
        project: 'shop',
        service: 'web',
        port,
        ready: true,
        attempts: 1,
        http_status: null,
      });
      expect(again.stderr).toBe('');
    } finally {
      await server.stop();
    }
  });

  it('exits 1 at the timeout naming what holds the port instead (a UDP socket)', async () => {
    const { pm } = await registry();
    const udp = await startChild<{ port: number; pid: number }>(
      `const s = require('node:dgram').createSocket('udp4'); s.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));`,
    );
    try {
      const result = await pm('wait', `:${udp.report.port}`, '--timeout', '0.5');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `port ${udp.report.port} did not accept a connection on loopback within 0.5 s: port ${udp.report.port} is held by`,
      );
      expect(result.stderr).toContain(`(pid ${udp.pid}) on udp 127.0.0.1 instead`);
      const json = await pm('wait', `:${udp.report.port}`, '--timeout', '0', '--json');
      expect(JSON.parse(json.stderr).error.code).toBe('WAIT_TIMEOUT');
    } finally {
      await udp.stop();
    }
  });

  it('with --http: a 500 is not ready (exit 1 naming the status), a 200 is', async () => {
    const { pm } = await registry();
    const port500 = await freePort();
    const failing = await listenIn(port500, { status: 500 });
    const port200 = await freePort();
    const working = await listenIn(port200, { status: 200 });
    try {
      const bad = await pm('wait', `:${port500}`, '--http', '/health', '--timeout', '0.5');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`port ${port500} answered /health with HTTP 500 for 0.5 s`);
      // A bare connection would have been enough without --http.
      expect((await pm('wait', `:${port500}`, '--timeout', '0.5')).code).toBe(0);
      const good = await pm('wait', `:${port200}`, '--http', '/', '--json');
      expect(good.code).toBe(0);
      expect(JSON.parse(good.stdout)).toMatchObject({ port: port200, http_status: 200 });
    } finally {
      await failing.stop();
      await working.stop();
    }
  });

  it.skipIf(process.platform !== 'linux')(
    'exits 1 saying the service moved, with the port its process listens on',
    async () => {
      const { path, pm } = await registry();
      const port = Number((await pm('allocate', 'shop', 'web')).stdout);
      // A server that ignores PORT and takes the next port up that binds.
      const server = `
        const net = require('node:net');
        const tryPort = (p) => {
          const s = net.createServer();
          s.once('error', () => tryPort(p + 1));
          s.listen(p, '127.0.0.1', () => console.log('listening on ' + p));
        };
        tryPort(Number(process.env.PORT) + 1);
      `;
      const run = startPm(['--registry', path, 'run', 'shop', 'web', '--', 'node', '-e', server]);
      const moved = Number((await run.waitFor(/listening on (\d+)/))[1]);
      const result = await pm('wait', 'shop', 'web', '--timeout', '0.3');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`shop/web moved: its process listens on port ${moved} (`);
      expect(result.stderr).toContain(`), not on its port ${port}`);
      run.child.kill('SIGTERM');
      await run.exited;
    },
  );

  it('exits 130 on Ctrl-C while waiting', async () => {
    const { path } = await registry();
    const port = await freePort();
    const wait = startPm(['--registry', path, 'wait', `:${port}`]);
    await wait.waitFor(/waiting for port \d+/);
    wait.child.kill('SIGINT');
    expect(await wait.exited).toBe(130);
  });

  it.each([
    [[], 2, /missing arguments: usage: pm wait/],
    [['a', 'b', 'c'], 2, /unexpected argument 'c'/],
    [[':0'], 2, /invalid port ':0'/],
    [
      ['shop', 'web', '--http', 'health'],
      2,
      /invalid --http 'health': expected a path starting with "\/"/,
    ],
    [['shop', 'web', '--timeout', 'soon'], 2, /invalid --timeout 'soon'/],
    [['shop', 'nosuch'], 1, /shop\/nosuch is not allocated/],
  ])('refuses pm wait %j with exit %i', async (args, code, message) => {
    const { pm } = await registry();
    const result = await pm('wait', ...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });
});
