// The owner cache file between processes, against the real /proc: a listener started by the
// test, a first resolver that walks and writes the file, and later resolvers (standing in
// for later pm processes) that must confirm or reject what the file says.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStatFields } from '../../../src/os/linux/decode/procfs-process.js';
import {
  decodeOwnerCache,
  encodeOwnerCache,
  MAX_REMEMBERED_OWNERS,
  OwnerCacheFile,
  type RememberedOwner,
} from '../../../src/os/linux/owner-cache-file.js';
import { SocketOwnerResolver } from '../../../src/os/linux/socket-owner-resolver.js';
import { cacheDirectory } from '../../../src/os/shared/private-cache.js';
import { type HeldPorts, holdListeners } from '../../helpers/listener.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const linux = process.platform === 'linux';
const newDir = tempDirPerTest('pm-owner-cache-');

let held: HeldPorts;
let inode: number;
let listenerFd: number;
let startTime: string;

/** The inode of the LISTEN socket on 127.0.0.1:port, from the kernel's own table. */
function listeningInode(port: number): number {
  for (const line of fs.readFileSync('/proc/net/tcp', 'latin1').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === '0A' && Number.parseInt(fields[1]!.split(':')[1]!, 16) === port) {
      return Number(fields[9]);
    }
  }
  throw new Error(`no listener on port ${port} in /proc/net/tcp`);
}

function fdLinkingTo(pid: number, link: string): number {
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return Number(fd);
  }
  throw new Error(`pid ${pid} holds no ${link}`);
}

beforeAll(async () => {
  if (!linux) return;
  held = await holdListeners([{ host: '127.0.0.1' }]);
  inode = listeningInode(held.ports[0]!);
  listenerFd = fdLinkingTo(held.pid, `socket:[${inode}]`);
  startTime = String(
    parseStatFields(fs.readFileSync(`/proc/${held.pid}/stat`, 'utf8'))!.startTicks,
  );
});

afterAll(async () => {
  await held?.stop();
});

const uid = process.geteuid?.() ?? 0;
const resolverWith = (file: OwnerCacheFile) => new SocketOwnerResolver({ memory: file });
const theListener = () => [{ inode, uid }];

/** Writes a cache file by hand, as a previous (or hostile) process might have left it. */
function writeCache(dir: string, owners: readonly RememberedOwner[]): OwnerCacheFile {
  const file = new OwnerCacheFile({ directory: dir });
  fs.writeFileSync(file.path, encodeOwnerCache({ owners }), { mode: 0o600 });
  return file;
}

describe.runIf(linux)('owner cache between processes (real /proc)', () => {
  it('a first run walks and writes the cache; a second finds the owner without walking', () => {
    const dir = join(newDir(), 'port-manager');
    const first = resolverWith(new OwnerCacheFile({ directory: dir }));
    expect(first.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(first.walks).toBe(1);

    const file = join(dir, 'socket-owners');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(decodeOwnerCache(fs.readFileSync(file, 'latin1'))?.owners).toContainEqual({
      inode,
      pid: held.pid,
      fd: listenerFd,
      startTime,
    });

    const second = resolverWith(new OwnerCacheFile({ directory: dir }));
    expect(second.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(second.walks).toBe(0);
  });

  it('rejects an entry whose pid now belongs to another process (start time differs)', () => {
    const dir = newDir();
    const file = writeCache(dir, [{ inode, pid: held.pid, fd: listenerFd, startTime: '1' }]);
    const resolver = resolverWith(file);
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(resolver.walks).toBe(1);
    // The file now says what the walk found.
    expect(file.load()?.owners).toEqual([{ inode, pid: held.pid, fd: listenerFd, startTime }]);
  });

  it('rejects an entry whose fd now links to something else', () => {
    const otherFd = fs
      .readdirSync(`/proc/${held.pid}/fd`)
      .map(Number)
      .find((fd) => fd !== listenerFd)!;
    const file = writeCache(newDir(), [{ inode, pid: held.pid, fd: otherFd, startTime }]);
    const resolver = resolverWith(file);
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(resolver.walks).toBe(1);
  });

  it('never names a process that does not hold the socket, even one that is alive', () => {
    // This test process is alive with a matching start time, but its fd 0 is not the socket.
    const own = String(parseStatFields(fs.readFileSync('/proc/self/stat', 'utf8'))!.startTicks);
    const file = writeCache(newDir(), [{ inode, pid: process.pid, fd: 0, startTime: own }]);
    expect(resolverWith(file).resolve(theListener()).get(inode)?.pid).toBe(held.pid);
  });

  it('ignores a corrupt file and replaces it with a good one', () => {
    const dir = newDir();
    const file = new OwnerCacheFile({ directory: dir });
    fs.writeFileSync(file.path, `pm socket owners 1\no ${inode} ${held.pid} x\n`, { mode: 0o600 });
    const resolver = resolverWith(file);
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(resolver.walks).toBe(1);
    expect(file.load()?.owners).toHaveLength(1);
  });

  it('ignores a file owned by another user', () => {
    const dir = newDir();
    writeCache(dir, [{ inode, pid: held.pid, fd: listenerFd, startTime }]);
    const foreign = new OwnerCacheFile({
      directory: dir,
      fs: {
        ...fs,
        fstatSync: ((fd: number) => ({
          ...fs.fstatSync(fd),
          uid: uid + 1,
          isFile: () => true,
        })) as typeof fs.fstatSync,
      },
    });
    expect(foreign.load()).toBeUndefined();
    const resolver = resolverWith(foreign);
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(resolver.walks).toBe(1);
  });

  it('ignores a file others may write, a link, a directory and a FIFO at its place', () => {
    const dir = newDir();
    const good = [{ inode, pid: held.pid, fd: listenerFd, startTime }];
    const file = writeCache(dir, good);
    expect(file.load()?.owners).toEqual(good);

    fs.chmodSync(file.path, 0o666);
    expect(file.load()).toBeUndefined();

    fs.renameSync(file.path, join(dir, 'elsewhere'));
    fs.chmodSync(join(dir, 'elsewhere'), 0o600);
    fs.symlinkSync(join(dir, 'elsewhere'), file.path);
    expect(file.load()).toBeUndefined();

    fs.unlinkSync(file.path);
    fs.mkdirSync(file.path);
    expect(file.load()).toBeUndefined();
    fs.rmdirSync(file.path);

    // Opening a FIFO for reading would block until a writer came: pm must not hang on it.
    expect(spawnSync('mkfifo', [file.path]).status).toBe(0);
    expect(file.load()).toBeUndefined();
  });

  it('ignores the file in a directory that others may write', () => {
    const dir = newDir();
    const file = writeCache(dir, [{ inode, pid: held.pid, fd: listenerFd, startTime }]);
    fs.chmodSync(dir, 0o777);
    expect(file.load()).toBeUndefined();
  });

  it('neither writes into nor tightens a directory that others may write', () => {
    const dir = newDir();
    fs.chmodSync(dir, 0o777);
    const resolver = resolverWith(new OwnerCacheFile({ directory: dir }));
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o777);
  });

  it('removes temp files a pm left when it died mid-write, not those of a live writer', () => {
    const dir = newDir();
    fs.chmodSync(dir, 0o700);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const deadTemp = join(dir, `socket-owners.${dead}.k3j2.tmp`);
    const liveTemp = join(dir, `socket-owners.${process.pid}.a1b2.tmp`);
    fs.writeFileSync(deadTemp, 'half', { mode: 0o600 });
    fs.writeFileSync(liveTemp, 'half', { mode: 0o600 });
    const resolver = resolverWith(new OwnerCacheFile({ directory: dir }));
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
    expect(fs.readdirSync(dir).sort()).toEqual(['socket-owners', basename(liveTemp)]);
  });

  it('keeps working when the cache directory cannot be created', () => {
    const blocker = join(newDir(), 'not-a-directory');
    fs.writeFileSync(blocker, '');
    const resolver = resolverWith(new OwnerCacheFile({ directory: join(blocker, 'port-manager') }));
    expect(resolver.resolve(theListener()).get(inode)?.pid).toBe(held.pid);
  });
});

describe('owner cache file format and location', () => {
  it('writes at most the cap of owners and reads back what it wrote', () => {
    const owners = Array.from({ length: MAX_REMEMBERED_OWNERS + 500 }, (_, i) => ({
      inode: 100_000 + i,
      pid: 4242,
      fd: 20 + i,
      startTime: '987654',
    }));
    const decoded = decodeOwnerCache(encodeOwnerCache({ owners }));
    expect(decoded?.owners).toHaveLength(MAX_REMEMBERED_OWNERS);
    expect(decoded?.owners[0]).toEqual(owners[0]);
  });

  it('round-trips unresolved sockets with the pids their walk covered', () => {
    const memory = { owners: [], unresolved: { inodes: [7, 8], pids: [1, 50], walkedAt: 1234 } };
    expect(decodeOwnerCache(encodeOwnerCache(memory))).toEqual(memory);
  });

  it.each([
    ['empty', ''],
    ['another header', 'pm socket owners 2\n'],
    ['no final newline', 'pm socket owners 1\no 1 2 3 4'],
    ['a negative number', 'pm socket owners 1\no 1 -2 3 4\n'],
    ['a missing field', 'pm socket owners 1\no 1 2 3\n'],
    ['an unknown line', 'pm socket owners 1\nx 1 2 3 4\n'],
    ['two unresolved lines', 'pm socket owners 1\nu 1 2 3\nu 1 2 3\n'],
    ['binary junk', 'pm socket owners 1\n\u0000\u00ff\n'],
  ])('refuses a file with %s', (_name, text) => {
    expect(decodeOwnerCache(text)).toBeUndefined();
  });

  it('lives in the runtime directory when it is ours, else in the cache directory', () => {
    const runtime = newDir();
    const home = newDir();
    expect(cacheDirectory({ XDG_RUNTIME_DIR: runtime, HOME: home }, uid)).toBe(
      join(runtime, 'port-manager'),
    );
    expect(cacheDirectory({ XDG_RUNTIME_DIR: runtime, HOME: home }, uid + 1)).toBe(
      join(home, '.cache', 'port-manager'),
    );
    expect(cacheDirectory({ XDG_CACHE_HOME: join(home, 'c'), HOME: home }, uid)).toBe(
      join(home, 'c', 'port-manager'),
    );
    expect(cacheDirectory({ PM_CACHE_DIR: runtime, HOME: home }, uid)).toBe(runtime);
  });
});
