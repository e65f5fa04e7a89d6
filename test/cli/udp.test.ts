// A bound UDP socket holds a port as surely as a TCP listener: status calls the port active,
// allocation and suggestion skip it, an explicit --port on it is refused. Real sockets,
// opened by the test; the ports are whatever pm hands out.
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bindProbe } from '../../src/os/shared/bind-probe.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const RANGE = '21500-21599';
const tempDir = tempDirPerTest();
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await new Promise<void>((done) => socket.close(done));
});

async function bindUdp(port: number, address = '0.0.0.0'): Promise<Socket> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address }, () => resolve());
  });
  return socket;
}

async function registry() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runMain(['--registry', path, ...args]);
  expect((await pm('config', '--range', RANGE)).code).toBe(0);
  return pm;
}

const portOf = (result: { stdout: string }) => Number(result.stdout.trim());

describe('a bound UDP socket', () => {
  it('fails the bind probe while it is bound, and passes once it is closed', async () => {
    const socket = await bindUdp(0, '127.0.0.1');
    const { port } = socket.address();
    expect(await bindProbe(port)).toBe(false);
    await new Promise<void>((done) => socket.close(done));
    sockets.splice(sockets.indexOf(socket), 1);
    expect(await bindProbe(port)).toBe(true);
  });

  it('makes an allocated port active, with the protocol in the table and in JSON', async () => {
    const pm = await registry();
    const port = portOf(await pm('allocate', 'game', 'server'));
    expect(JSON.parse((await pm('status', '--json')).stdout).allocations[0].state).toBe('idle');
    await bindUdp(port);
    const json = JSON.parse((await pm('status', '--json')).stdout);
    expect(json.allocations[0]).toMatchObject({ port, state: 'active', pid: process.pid });
    expect(json.allocations[0].listeners[0]).toMatchObject({
      protocol: 'udp',
      address: '0.0.0.0',
      port,
    });
    const table = (await pm('status')).stdout;
    expect(table).toMatch(new RegExp(`game\\s+server\\s+${port}\\s+active\\s+${process.pid}`));
    expect(table).toContain('udp 0.0.0.0');
  });

  it('is skipped by suggest and allocate, and refused as an explicit --port', async () => {
    const pm = await registry();
    const next = portOf(await pm('suggest'));
    await bindUdp(next);
    expect(portOf(await pm('suggest'))).not.toBe(next);
    const given = portOf(await pm('allocate', 'game', 'server'));
    expect(given).not.toBe(next);
    const refused = await pm('allocate', 'game', 'voice', '--port', String(next));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`port ${next} is in use by`);
    expect(refused.stderr).toContain(`(pid ${process.pid}) on udp 0.0.0.0`);
  });
});
