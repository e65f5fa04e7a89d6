// The Linux scanner against real sockets of a real child process, through the same
// scannerFor() the CLI uses, on both sources (netlink and the /proc/net fallback).
import { basename } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Listener, type Scanner, scannerFor } from '../../../src/os/index.js';
import {
  LISTENERS_SCRIPT,
  type ListenerPorts,
  type RunningChild,
  startChild,
} from '../helpers/listener-child.js';
import { waitFor } from '../helpers/wait.js';

// What each test started and must stop (its own children, and the heir a child spawned).
const running: Pick<RunningChild<unknown>, 'stop'>[] = [];
const scanners: Scanner[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => child.stop()));
  for (const scanner of scanners.splice(0)) scanner.dispose?.();
});

async function start<T>(script: string): Promise<RunningChild<T>> {
  const child = await startChild<T>(script);
  running.push(child);
  return child;
}

function scanner(mode: 'netlink' | 'procfs'): Scanner {
  const created = scannerFor({ platform: 'linux', mode });
  scanners.push(created);
  return created;
}

async function listeners(scan: Scanner): Promise<readonly Listener[]> {
  const outcome = await scan.scan();
  if (!outcome.ok) throw new Error(`scan failed: ${outcome.reason}`);
  return outcome.listeners;
}

// comm is the executable's base name, cut to 15 bytes by the kernel.
const NODE_NAME = basename(process.execPath).slice(0, 15);

function expectedListeners(ports: ListenerPorts, pid: number): Listener[] {
  const uid = process.geteuid?.();
  // The command line, read from /proc/<pid>/cmdline, is exactly how the test started it.
  const owned = {
    pid,
    process: NODE_NAME,
    uid,
    command: [process.execPath, '-e', LISTENERS_SCRIPT],
  };
  return [
    { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: ports.loopback4, ...owned },
    { protocol: 'tcp', family: 'ipv4', address: '0.0.0.0', port: ports.any4, ...owned },
    { protocol: 'tcp', family: 'ipv6', address: '::1', port: ports.loopback6, ...owned },
    // Dual-stack: one IPv6 socket that also accepts IPv4, reported once, as '::'.
    { protocol: 'tcp', family: 'ipv6', address: '::', port: ports.dualStack, ...owned },
    { protocol: 'tcp', family: 'ipv6', address: '::', port: ports.v6only, ...owned },
    // Bound to ::ffff:127.0.0.1: only IPv4 clients can reach it.
    { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: ports.mapped, ...owned },
    { protocol: 'udp', family: 'ipv4', address: '127.0.0.1', port: ports.udp4, ...owned },
    { protocol: 'udp', family: 'ipv6', address: '::1', port: ports.udp6, ...owned },
  ];
}

describe.runIf(process.platform === 'linux')('Linux scanner on real sockets', () => {
  describe.each(['netlink', 'procfs'] as const)('from %s', (mode) => {
    it('finds every listener of a process with its pid, name and address, until it exits', async () => {
      const child = await start<ListenerPorts>(LISTENERS_SCRIPT);
      const scan = scanner(mode);
      const expected = expectedListeners(child.report, child.pid);

      const cold = await listeners(scan);
      expect(scan.backend).toBe(`linux-${mode}`);
      const ofChild = (all: readonly Listener[]) => all.filter((l) => l.pid === child.pid);
      expect(ofChild(cold)).toEqual(expect.arrayContaining(expected));
      expect(ofChild(cold)).toHaveLength(expected.length);
      // The dual-stack socket is one socket: it must not also show up as an IPv4 row.
      expect(
        cold.filter((l) => l.port === child.report.dualStack && l.protocol === 'tcp'),
      ).toHaveLength(1);

      // A second scan (the dashboard's steady state) tells the same story.
      expect(ofChild(await listeners(scan))).toEqual(expect.arrayContaining(expected));

      await child.stop();
      const ports = new Set(Object.values(child.report));
      await waitFor('the stopped child’s sockets to disappear from the scan', async () => {
        const now = await listeners(scan);
        return !now.some((l) => l.pid === child.pid || (ports.has(l.port) && l.pid === undefined));
      });
    });
  });

  it('follows a listener handed to another process when the first one exits', async () => {
    // The first process listens, hands the socket to a second one over IPC, and both hold it.
    const script = `
      const net = require('node:net');
      const { spawn } = require('node:child_process');
      const heirScript = "process.on('message', (m, server) => { if (m === 'server') process.send('held'); });";
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const heir = spawn(process.execPath, ['-e', heirScript], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        heir.on('message', () => {
          console.log(JSON.stringify({ port: server.address().port, heir: heir.pid }));
        });
        heir.send('server', server);
      });
    `;
    const first = await start<{ port: number; heir: number }>(script);
    const heirPid = first.report.heir;
    running.push({ stop: async () => killQuietly(heirPid) });
    const scan = scanner('netlink');
    const holders = new Set([first.pid, heirPid]);
    const port = first.report.port;
    const ownerOf = async () =>
      (await listeners(scan)).find((l) => l.port === port && l.protocol === 'tcp')?.pid;

    const owner = await ownerOf();
    expect(holders).toContain(owner);
    const survivor = owner === first.pid ? heirPid : first.pid;
    if (owner === first.pid) await first.stop();
    else killQuietly(heirPid);

    await waitFor(
      `pm to show pid ${survivor} as the owner`,
      async () => (await ownerOf()) === survivor,
    );
  });
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
