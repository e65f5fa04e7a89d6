// Socket -> process attribution on a fake /proc tree: directories, 'socket:[N]' symlinks
// and stat files shaped like the kernel's, so races and odd names can be staged exactly.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_REMEMBERED_OWNERS,
  type OwnerMemory,
  type RememberedOwners,
} from '../../../src/os/linux/owner-cache-file.js';
import { SocketOwnerResolver } from '../../../src/os/linux/socket-owner-resolver.js';

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

// POSIX only: the fake /proc is made of symlinks, which Windows creates only when elevated.
describe.skipIf(process.platform === 'win32')('SocketOwnerResolver', () => {
  it('attributes each socket to the process holding it', () => {
    addProcess(100, 'node', [5001, 5002]);
    addProcess(200, 'postgres', [6001]);
    addProcess(300, 'bash', []);
    const owners = resolver().resolve([socket(5001), socket(5002), socket(6001)]);
    expect(owners.get(5001)).toMatchObject({ pid: 100, process: 'node' });
    expect(owners.get(5002)).toMatchObject({ pid: 100, process: 'node' });
    expect(owners.get(6001)).toMatchObject({ pid: 200, process: 'postgres' });
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

  it("names a Node 24 process (main thread renamed 'MainThread') after its executable", () => {
    addProcess(100, 'MainThread', [5001]);
    symlinkSync('/opt/node-24/bin/node', join(root, '100', 'exe'));
    addProcess(200, 'MainThread', [6001]); // exe unreadable (another user's): keep comm
    addProcess(300, 'node', [7001]);
    symlinkSync('/usr/bin/something-else', join(root, '300', 'exe'));
    const owners = resolver().resolve([socket(5001), socket(6001), socket(7001)]);
    expect(owners.get(5001)).toMatchObject({ pid: 100, process: 'node' });
    expect(owners.get(6001)).toMatchObject({ pid: 200, process: 'MainThread' });
    expect(owners.get(7001)).toMatchObject({ pid: 300, process: 'node' });
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
    expect(scanner.resolve([socket(5001)]).get(5001)).toMatchObject({ pid: 100, process: 'old' });
    // pid 100 exits and is reused by an unrelated process; the socket now lives in 200.
    removeProcess(100);
    addProcess(100, 'reused', [], 2000);
    addProcess(200, 'heir', [5001]);
    expect(scanner.resolve([socket(5001)]).get(5001)).toMatchObject({ pid: 200, process: 'heir' });
  });

  it('shows the current name of a process that renamed itself', () => {
    addProcess(100, 'node', [5001]);
    const scanner = resolver();
    scanner.resolve([socket(5001)]);
    writeFileSync(join(root, '100', 'stat'), statLine(100, 'vite', 1000));
    expect(scanner.resolve([socket(5001)]).get(5001)).toMatchObject({ pid: 100, process: 'vite' });
  });

  it('finds the owner on a later scan when it appears after a scan that missed it', () => {
    const scanner = resolver();
    addProcess(100, 'node', []);
    expect(scanner.resolve([socket(5001)]).has(5001)).toBe(false);
    addProcess(250, 'late', [5001]);
    expect(scanner.resolve([socket(5001)]).get(5001)).toMatchObject({ pid: 250, process: 'late' });
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

/** An in-memory stand-in for the cache file: what one process saved, the next one loads. */
function memoryOf(saved: { value?: RememberedOwners }): OwnerMemory {
  return {
    load: () => saved.value,
    save: (owners) => {
      saved.value = owners;
    },
  };
}

describe('SocketOwnerResolver with owners remembered between processes', () => {
  const remembering = (saved: { value?: RememberedOwners }, now = () => 1_000_000) =>
    new SocketOwnerResolver({
      procRoot: root,
      privileged: true,
      uid: 0,
      memory: memoryOf(saved),
      now,
    });

  it('remembers only sockets that still exist, and never more than the cap', () => {
    const count = MAX_REMEMBERED_OWNERS + 100;
    const inodes = Array.from({ length: count }, (_, i) => 100_000 + i);
    addProcess(100, 'busy', inodes);
    const saved: { value?: RememberedOwners } = {};
    remembering(saved).resolve(inodes.map((inode) => socket(inode)));
    expect(saved.value?.owners).toHaveLength(MAX_REMEMBERED_OWNERS);

    // The next process sees only two of those sockets: the rest are gone from the file.
    const next = remembering(saved);
    next.resolve([socket(100_000), socket(100_001)]);
    expect(next.walks).toBe(0);
    expect(saved.value?.owners.map((owner) => owner.inode).sort()).toEqual([100_000, 100_001]);
  });

  it('keeps remembered owners of sockets present but not asked about', () => {
    addProcess(100, 'node', [5001, 5002]);
    const saved: { value?: RememberedOwners } = {};
    remembering(saved).resolve([socket(5001), socket(5002)]);
    // A later `pm query :port` asks for one socket while both exist.
    addProcess(200, 'newcomer', [5003]);
    remembering(saved).resolve([socket(5003)], [socket(5001), socket(5002), socket(5003)]);
    expect(saved.value?.owners.map((owner) => owner.inode).sort()).toEqual([5001, 5002, 5003]);
  });

  it('after a walk that found no owner, the next process looks only in processes born since', () => {
    addProcess(100, 'node', [5001]);
    const saved: { value?: RememberedOwners } = {};
    remembering(saved).resolve([socket(5001), socket(7777)]);
    expect(saved.value?.unresolved?.inodes).toEqual([7777]);

    const quiet = remembering(saved);
    expect(quiet.resolve([socket(5001), socket(7777)]).has(7777)).toBe(false);
    expect(quiet.walks).toBe(0);

    addProcess(300, 'heir', [7777]);
    expect(
      remembering(saved)
        .resolve([socket(7777)])
        .get(7777)?.pid,
    ).toBe(300);
  });

  it('stops believing an old "no owner" and walks everything again', () => {
    addProcess(100, 'node', [7777]);
    // The earlier walk was eleven minutes ago and covered pid 100 already.
    const saved: { value?: RememberedOwners } = {
      value: { owners: [], unresolved: { inodes: [7777], pids: [100], walkedAt: 0 } },
    };
    const late = remembering(saved, () => 11 * 60 * 1000);
    expect(late.resolve([socket(7777)]).get(7777)?.pid).toBe(100);
    expect(late.walks).toBe(1);
  });
});
