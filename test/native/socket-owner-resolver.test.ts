// Socket -> process attribution on a fake /proc tree: directories, 'socket:[N]' symlinks
// and stat files shaped like the kernel's, so races and odd names can be staged exactly.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProcStat, SocketOwnerResolver } from '../../src/native/socket-owner-resolver.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pm-fake-proc-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A stat line: pid, (name), then fields 3..52 with field 22 (start time) set. */
function statLine(pid: number, name: string, startTime: number): string {
  const fields = Array.from({ length: 50 }, (_, i) => String(i === 0 ? 'S' : i + 3));
  fields[22 - 3] = String(startTime);
  return `${pid} (${name}) ${fields.join(' ')}\n`;
}

function addProcess(pid: number, name: string, inodes: readonly number[], startTime = 1000): void {
  const dir = join(root, String(pid));
  mkdirSync(join(dir, 'fd'), { recursive: true });
  writeFileSync(join(dir, 'stat'), statLine(pid, name, startTime));
  symlinkSync('/dev/null', join(dir, 'fd', '0'));
  symlinkSync('pipe:[99]', join(dir, 'fd', '1'));
  inodes.forEach((inode, i) => {
    symlinkSync(`socket:[${inode}]`, join(dir, 'fd', String(10 + i)));
  });
}

function removeProcess(pid: number): void {
  rmSync(join(root, String(pid)), { recursive: true, force: true });
}

function resolver(): SocketOwnerResolver {
  return new SocketOwnerResolver({ procRoot: root, privileged: true, uid: 0 });
}

const socket = (inode: number, uid = 0) => ({ inode, uid });

describe('SocketOwnerResolver', () => {
  it('attributes each socket to the process holding it', () => {
    addProcess(100, 'node', [5001, 5002]);
    addProcess(200, 'postgres', [6001]);
    addProcess(300, 'bash', []);
    const owners = resolver().resolve([socket(5001), socket(5002), socket(6001)]);
    expect(owners.get(5001)).toEqual({ pid: 100, process: 'node' });
    expect(owners.get(5002)).toEqual({ pid: 100, process: 'node' });
    expect(owners.get(6001)).toEqual({ pid: 200, process: 'postgres' });
  });

  it('finds sockets far down the fd table of a busy process', () => {
    // A server with hundreds of connections, whose second listener was opened late.
    addProcess(100, 'busy', [...Array.from({ length: 300 }, (_, i) => 8000 + i), 5002, 5001]);
    addProcess(200, 'idle', [6001]);
    const owners = resolver().resolve([socket(5001), socket(5002), socket(6001)]);
    expect([owners.get(5001)?.pid, owners.get(5002)?.pid, owners.get(6001)?.pid]).toEqual([
      100, 100, 200,
    ]);
  });

  it('keeps names with spaces and parentheses whole', () => {
    addProcess(100, 'tmux: server) (x', [5001]);
    expect(
      resolver()
        .resolve([socket(5001)])
        .get(5001)?.process,
    ).toBe('tmux: server) (x');
  });

  it('leaves the pid unknown when no readable process holds the socket', () => {
    addProcess(100, 'node', [5001]);
    mkdirSync(join(root, '200')); // fd directory missing: exited, or not ours to read
    writeFileSync(join(root, '200', 'stat'), statLine(200, 'sshd', 1));
    const owners = resolver().resolve([socket(5001), socket(7777)]);
    expect(owners.get(5001)?.pid).toBe(100);
    expect(owners.has(7777)).toBe(false);
  });

  it('follows a socket to the process still holding it after its owner exits', () => {
    addProcess(100, 'parent', [5001]);
    addProcess(101, 'worker', [5001]);
    const scanner = resolver();
    const first = scanner.resolve([socket(5001)]).get(5001);
    expect(first).toBeDefined();
    removeProcess(first!.pid);
    const second = scanner.resolve([socket(5001)]).get(5001);
    expect(second?.pid).toBe(first!.pid === 100 ? 101 : 100);
  });

  it('does not blame a new process that reused the owner pid', () => {
    addProcess(100, 'old', [5001]);
    const scanner = resolver();
    expect(scanner.resolve([socket(5001)]).get(5001)).toEqual({ pid: 100, process: 'old' });
    // pid 100 exits and is reused by an unrelated process; the socket now lives in 200.
    removeProcess(100);
    addProcess(100, 'reused', [], 2000);
    addProcess(200, 'heir', [5001]);
    expect(scanner.resolve([socket(5001)]).get(5001)).toEqual({ pid: 200, process: 'heir' });
  });

  it('shows the current name of a process that renamed itself', () => {
    addProcess(100, 'node', [5001]);
    const scanner = resolver();
    scanner.resolve([socket(5001)]);
    writeFileSync(join(root, '100', 'stat'), statLine(100, 'vite', 1000));
    expect(scanner.resolve([socket(5001)]).get(5001)).toEqual({ pid: 100, process: 'vite' });
  });

  it('finds the owner on a later scan when it appears after a scan that missed it', () => {
    const scanner = resolver();
    addProcess(100, 'node', []);
    expect(scanner.resolve([socket(5001)]).has(5001)).toBe(false);
    addProcess(250, 'late', [5001]);
    expect(scanner.resolve([socket(5001)]).get(5001)).toEqual({ pid: 250, process: 'late' });
  });

  it('without privileges, attributes the sockets of its own user', () => {
    addProcess(100, 'node', [5001]);
    const unprivileged = new SocketOwnerResolver({ procRoot: root, privileged: false, uid: 1000 });
    expect(unprivileged.seesOtherUsers).toBe(false);
    expect(unprivileged.resolve([socket(5001, 1000)]).get(5001)?.pid).toBe(100);
  });

  it('survives a /proc without processes', () => {
    rmSync(root, { recursive: true, force: true });
    expect(resolver().resolve([socket(5001)]).size).toBe(0);
  });
});

describe('parseProcStat', () => {
  it('reads the name and start time (field 22) of a real-shaped line', () => {
    const line =
      '4242 (node) S 1 4242 4242 34816 4242 4194304 2913 0 0 0 12 3 0 0 20 0 11 0 987654 1108480000 13179 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';
    expect(parseProcStat(line)).toEqual({ name: 'node', startTime: '987654' });
  });

  it('counts fields from the last parenthesis', () => {
    expect(parseProcStat(statLine(7, 'a) S 1 2 (b', 31337))).toEqual({
      name: 'a) S 1 2 (b',
      startTime: '31337',
    });
  });

  it('rejects truncated text', () => {
    expect(parseProcStat('12 (node) S 1 2 3')).toBeUndefined();
    expect(parseProcStat('')).toBeUndefined();
  });
});
