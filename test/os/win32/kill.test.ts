// The Windows inspector and kill path for real, in Wine's node.exe (scripts/wine/unit.mjs runs
// this file there; elsewhere it skips): a node.exe child this test starts holds a UDP socket
// (Wine names the owner of UDP sockets, not of TCP listeners: docs/platforms.md), pm's
// iphlpapi scanner finds it, the kernel32 inspector reads its start time and parent, and
// killPort asks taskkill first, then TerminateProcess, and sees the port released.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killPort } from '../../../src/core/actions/kill.js';
import { createProcessControl } from '../../../src/os/shared/signal.js';
import { createWin32Inspector } from '../../../src/os/win32/inspector.js';
import { createWin32Scanner } from '../../../src/os/win32/scanner.js';

const HOLDER = `
const dgram = require('node:dgram');
const { writeFileSync } = require('node:fs');
const socket = dgram.createSocket('udp4');
socket.bind(0, '127.0.0.1', () => writeFileSync(process.argv[1], String(socket.address().port)));
setInterval(() => {}, 1000);
`;

async function waitFor<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(process.platform === 'win32')(
  'Windows inspector and kill (real node.exe child)',
  () => {
    it('inspects the child, then stops it through taskkill and TerminateProcess', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pm-kill-'));
      const portFile = join(dir, 'port');
      const child = spawn(process.execPath, ['-e', HOLDER, portFile], {
        stdio: 'ignore',
        windowsHide: true,
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        const port = await waitFor(
          () =>
            existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) || undefined : undefined,
          20_000,
          'the child bound its socket',
        );
        const inspector = createWin32Inspector();
        const detail = await inspector.detail(child.pid!);
        expect(detail).toMatchObject({ pid: child.pid, ppid: process.pid, name: 'node.exe' });
        const started = await inspector.startTime(child.pid!);
        expect(started).toBeTypeOf('number');
        expect(await inspector.startTime(child.pid!)).toBe(started);

        const scanner = createWin32Scanner();
        const result = await killPort(
          { scanner, control: createProcessControl(inspector, { platform: 'win32' }) },
          port as never,
          { timeoutMs: 2000 },
        );
        expect(result.targets.map((t) => t.pid)).toEqual([child.pid]);
        expect(result.freed).toBe(true);
        await exited;
        expect(await inspector.detail(child.pid!)).toBeUndefined();
        scanner.dispose?.();
      } finally {
        child.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe.runIf(process.platform === 'win32')(
  'Windows process tree (real node.exe children)',
  () => {
    it('finds a grandchild through the Toolhelp32 snapshot', async () => {
      const { loadWin32Libraries } = await import('../../../src/os/win32/scanner.js');
      const { createWin32ProcessTree } = await import('../../../src/os/win32/tree.js');
      const dir = mkdtempSync(join(tmpdir(), 'pm-tree-'));
      const pidFile = join(dir, 'grandchild');
      const parent = spawn(
        process.execPath,
        [
          '-e',
          `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
         require('node:fs').writeFileSync(process.argv[1], String(c.pid));
         process.on('SIGTERM', () => { c.kill(); process.exit(0); });
         setInterval(() => {}, 1000);`,
          pidFile,
        ],
        { stdio: 'ignore', windowsHide: true },
      );
      try {
        const grandchild = await waitFor(
          () =>
            existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) || undefined : undefined,
          20_000,
          'the grandchild started',
        );
        const tree = createWin32ProcessTree(loadWin32Libraries());
        const below = tree.descendants(process.pid);
        expect(below.has(parent.pid!)).toBe(true);
        expect(below.has(grandchild)).toBe(true);
        expect(tree.descendants(grandchild)).toEqual(new Set([grandchild]));
        process.kill(grandchild);
      } finally {
        parent.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
