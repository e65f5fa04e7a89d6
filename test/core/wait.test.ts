// The wait action over real sockets this test opens, a real registry file and the real
// scanner; only the clock is the test's, so "within one poll" is counted, not timed.
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocate } from '../../src/core/actions/index.js';
import { pollDelay, waitFor } from '../../src/core/actions/wait.js';
import { loopbackReach } from '../../src/os/shared/reach.js';
import { createDeps } from '../../src/wiring.js';
import { failure } from '../helpers/errors.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-wait-');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function listen(server: Server | ReturnType<typeof createHttpServer>, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      closers.push(() => new Promise((done) => server.close(() => done())));
      resolve((server.address() as { port: number }).port);
    });
  });
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

/** Virtual time: each pause advances it at once, and `onSleep` runs what the test scripted. */
function testClock(onSleep: (count: number) => Promise<void> | void = () => {}) {
  let now = 0;
  const delays: number[] = [];
  const clock = {
    now: () => now,
    async sleep(ms: number) {
      delays.push(ms);
      now += ms;
      await onSleep(delays.length);
    },
  };
  return { clock, delays };
}

function deps(clock: { now(): number; sleep(ms: number): Promise<void> }) {
  const registryPath = join(tempDir(), 'registry.toml');
  return { ...createDeps({ registryPath }), reach: loopbackReach, ...clock };
}

describe('waitFor', () => {
  it('returns on the first attempt after the listener appears, pausing longer each time', async () => {
    const port = await freePort();
    const server = createServer();
    const { clock, delays } = testClock(async (count) => {
      if (count === 4) await listen(server, port);
    });
    const result = await waitFor(deps(clock), {
      target: { kind: 'port', port },
      timeoutMs: 30_000,
    });
    // Four failed attempts, four pauses; the fifth attempt, the first after listen, succeeds.
    expect(result).toMatchObject({ port, attempts: 5 });
    expect(delays).toEqual([25, 50, 100, 200]);
    expect([pollDelay(5), pollDelay(50)]).toEqual([250, 250]);
  });

  it('says nothing listens when the timeout passes on an empty port', async () => {
    const port = await freePort();
    const { clock, delays } = testClock();
    const error = await failure(
      waitFor(deps(clock), { target: { kind: 'port', port }, timeoutMs: 1000 }),
    );
    expect(error.code).toBe('WAIT_TIMEOUT');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      `port ${port} did not accept a connection within 1 s: nothing listens on port ${port}`,
    );
    // The pauses add up to the timeout and never exceed what is left of it.
    expect(delays.reduce((sum, ms) => sum + ms, 0)).toBe(1000);
  });

  it('names the process that holds the port without accepting (a UDP socket)', async () => {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve) =>
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)),
    );
    closers.push(() => new Promise((done) => udp.close(() => done())));
    const wired = deps(testClock().clock);
    await allocate(wired, { project: 'shop', service: 'dns', port, force: true });
    const error = await failure(
      waitFor(wired, {
        target: { kind: 'service', project: 'shop', service: 'dns' },
        timeoutMs: 500,
      }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^shop/dns did not accept a connection on loopback within 0.5 s: port ${port} is held by .*\\(pid ${process.pid}\\) on udp 127\\.0\\.0\\.1 instead$`,
      ),
    );
  });

  it('with an HTTP path, keeps waiting through 500 and returns at the first 200', async () => {
    let status = 500;
    const server = createHttpServer((_request, response) => {
      response.statusCode = status;
      response.end();
    });
    const port = await listen(server);
    const { clock } = testClock((count) => {
      if (count === 3) status = 200;
    });
    const result = await waitFor(deps(clock), {
      target: { kind: 'port', port },
      timeoutMs: 30_000,
      httpPath: '/health',
    });
    expect(result).toMatchObject({ port, attempts: 4, httpStatus: 200 });

    status = 503;
    const error = await failure(
      waitFor(deps(testClock().clock), {
        target: { kind: 'port', port },
        timeoutMs: 300,
        httpPath: '/health',
      }),
    );
    expect(error.message).toMatch(
      new RegExp(`^port ${port} answered /health with HTTP 503 for 0.3 s \\(port ${port}: .*\\)$`),
    );
  });

  it('is NOT_FOUND for a service without a port', async () => {
    const error = await failure(
      waitFor(deps(testClock().clock), {
        target: { kind: 'service', project: 'shop', service: 'web' },
        timeoutMs: 100,
      }),
    );
    expect([error.code, error.exitCode]).toEqual(['NOT_FOUND', 1]);
  });
});
