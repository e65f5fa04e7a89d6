// pm kill end to end on real listeners the test started (and only those): TCP, UDP, and one
// that ignores SIGTERM. The refusal paths are in test/core/kill.test.ts over a fake table.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningChild, startChild } from '../helpers/child.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const RANGE = '21600-21699';
const tempDir = tempDirPerTest();
const children: RunningChild<unknown>[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.stop();
});

async function registry() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runMain(['--registry', path, ...args]);
  expect((await pm('config', '--range', RANGE)).code).toBe(0);
  return pm;
}

/** A child holding `port` (0: the OS picks) over TCP or UDP; reports the port it bound. */
async function holder(
  protocol: 'tcp' | 'udp',
  port = 0,
  ignoreTerm = false,
): Promise<{ pid: number; port: number; exit: Promise<NodeJS.Signals | number | null> }> {
  const script = `
    ${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
    const report = (port) => console.log(JSON.stringify(port));
    if (${JSON.stringify(protocol)} === 'udp') {
      const socket = require('node:dgram').createSocket('udp4');
      socket.bind({ port: ${port}, address: '127.0.0.1' }, () => report(socket.address().port));
    } else {
      const server = require('node:net').createServer();
      server.listen({ port: ${port}, host: '127.0.0.1' }, () => report(server.address().port));
    }
  `;
  const child = await startChild<number>(script);
  children.push(child);
  return { pid: child.pid, port: child.report, exit: child.exit };
}

describe('pm kill', () => {
  it('stops a TCP listener with SIGTERM, names it, and exits 0 with the port free', async () => {
    const pm = await registry();
    const held = await holder('tcp');
    const result = await pm('kill', `:${held.port}`);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `stopped node (pid ${held.pid}) on port ${held.port} with SIGTERM; port ${held.port} is free`,
    );
    expect(await held.exit).toBe('SIGTERM');
    const again = await pm('kill', `:${held.port}`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`nothing listens on port ${held.port}`);
  });

  it("stops a service's UDP socket by project and service, with JSON", async () => {
    const pm = await registry();
    const port = Number((await pm('allocate', 'game', 'voice')).stdout.trim());
    const held = await holder('udp', port);
    const result = await pm('kill', 'game', 'voice', '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ port, freed: true, signals: ['SIGTERM'] });
    expect(json.processes[0]).toMatchObject({ pid: held.pid });
    expect(json.processes[0].listeners[0]).toMatchObject({ protocol: 'udp', port });
    expect(JSON.parse((await pm('status', '--json')).stdout).allocations[0].state).toBe('idle');
  });

  it('sends SIGKILL after --timeout to a process that ignores SIGTERM, and says so', async () => {
    const pm = await registry();
    const held = await holder('tcp', 0, true);
    const result = await pm('kill', `:${held.port}`, '--timeout', '0.5');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`with SIGTERM, then SIGKILL; port ${held.port} is free`);
    expect(await held.exit).toBe('SIGKILL');
  });

  it('refuses bad flags and arguments with exit 2, signalling nothing', async () => {
    const pm = await registry();
    const held = await holder('tcp');
    for (const args of [
      ['kill', `:${held.port}`, '--signal', 'STOP'],
      ['kill', `:${held.port}`, '--timeout', 'soon'],
      ['kill', `:${held.port}`, 'extra'],
      ['kill'],
    ]) {
      const result = await pm(...args);
      expect(result.code, args.join(' ')).toBe(2);
    }
    expect(() => process.kill(held.pid, 0)).not.toThrow();
  });
});
