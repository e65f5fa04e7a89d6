// The file-system boundary of the store: the calls it makes (so tests can inject faults)
// and how their errors reach the user.
import {
  close,
  fchmod,
  fchown,
  fstat,
  fsync,
  lstat,
  mkdir,
  open,
  read,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  type Stats,
  stat,
  unlink,
  watch,
  write,
} from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { PmError, type Remedy } from '../errors.js';

/**
 * What the store does with an open file: the part of fs/promises' FileHandle it uses, so a
 * test may hand it a real FileHandle (wrapped to inject faults).
 */
export interface StoreFile {
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  stat(): Promise<Stats>;
  chmod(mode: number): Promise<void>;
  /** Only called when pm runs as root (keep-owner.ts). */
  chown?(uid: number, gid: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls the store makes; tests replace some of them to inject faults. */
export interface StoreFs {
  readonly readFile: (path: string, encoding: 'utf8') => Promise<string>;
  readonly open: (path: string, flags: string | number, mode?: number) => Promise<StoreFile>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly unlink: (path: string) => Promise<void>;
  readonly mkdir: (path: string, options: { recursive: true; mode: number }) => Promise<unknown>;
  readonly realpath: (path: string) => Promise<string>;
  readonly readlink: (path: string) => Promise<string>;
  readonly lstat: (path: string) => Promise<{ isSymbolicLink(): boolean; uid: number }>;
  readonly readdir: (path: string) => Promise<string[]>;
  readonly stat: (path: string) => Promise<{
    mtimeMs: number;
    ctimeMs: number;
    size: number;
    mode: number;
    ino: number;
    uid: number;
    gid?: number;
  }>;
  /** Watches a directory (the store's follow()); returns the closer. */
  readonly watch: (dir: string, onEvent: (name: string | null) => void) => { close(): void };
}

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

export function ioError(action: string, path: string, error: unknown): PmError {
  const code = errnoOf(error);
  const hints: Record<string, string> = {
    EACCES: `check the permissions of ${dirname(path)} (pm needs to create files there)`,
    EPERM: `check the permissions of ${dirname(path)}; on Windows another program (antivirus, indexer, editor) may hold the file: retry`,
    EBUSY: 'another program holds the file open; close it and retry',
    ENOSPC: 'the disk is full; free some space and retry',
  };
  const remedy: readonly Remedy[] | string =
    code === 'EROFS'
      ? [{ kind: 'text', text: 'the file system is read-only' }, { kind: 'other-registry' }]
      : ((code && hints[code]) ?? [{ kind: 'text', text: 'retry' }, { kind: 'doctor' }]);
  const detail = error instanceof Error ? error.message : String(error);
  return new PmError('IO', `could not ${action} ${path}: ${detail}`, remedy, { cause: error });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((done) => setTimeout(done, ms));

/**
 * The real file system, with a directory watch that reports changed names. Built on node:fs's
 * callbacks, not fs/promises: loading fs/promises brings about ten more of Node's internal
 * modules (readline, fs watchers, REPL history...) into every pm start (docs/benchmarks.md).
 */
export function systemFs(): StoreFs {
  return {
    readFile: promisify(readFile) as StoreFs['readFile'],
    open: async (path, flags, mode) => fdFile(await promisify(open)(path, flags, mode)),
    rename: promisify(rename),
    unlink: promisify(unlink),
    mkdir: promisify(mkdir) as StoreFs['mkdir'],
    // The native realpath(3), as fs/promises' realpath is (fs.realpath walks in JavaScript).
    realpath: promisify(realpath.native) as StoreFs['realpath'],
    readlink: promisify(readlink) as StoreFs['readlink'],
    lstat: promisify(lstat) as StoreFs['lstat'],
    readdir: promisify(readdir) as StoreFs['readdir'],
    stat: promisify(stat) as StoreFs['stat'],
    watch: (dir, onEvent) => {
      // Not persistent: the caller's own timers decide how long the process lives.
      const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(name));
      watcher.on('error', () => watcher.close());
      return watcher;
    },
  };
}

/** An open file descriptor as a StoreFile. */
function fdFile(fd: number): StoreFile {
  const call = <T>(run: (done: (error: Error | null, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) =>
      run((error, value) => (error ? reject(error) : resolve(value as T))),
    );
  return {
    read: (buffer, offset, length, position) =>
      call<number>((done) => read(fd, buffer, offset, length, position, done)).then(
        (bytesRead) => ({ bytesRead }),
      ),
    write: (buffer, offset, length) =>
      call<number>((done) => write(fd, buffer, offset, length, done)).then((bytesWritten) => ({
        bytesWritten,
      })),
    stat: () => call<Stats>((done) => fstat(fd, done)),
    chmod: (mode) => call<void>((done) => fchmod(fd, mode, done)),
    chown: (uid, gid) => call<void>((done) => fchown(fd, uid, gid, done)),
    sync: () => call<void>((done) => fsync(fd, done)),
    close: () => call<void>((done) => close(fd, done)),
  };
}
