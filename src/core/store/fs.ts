// The file-system boundary of the store: the calls it makes (so tests can inject faults)
// and how their errors reach the user.
import { watch } from 'node:fs';
import type * as nodeFs from 'node:fs/promises';
import {
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname } from 'node:path';
import { PmError, type Remedy } from '../errors.js';

/** The file-system calls the store makes; tests replace some of them to inject faults. */
export interface StoreFs {
  readonly readFile: (path: string, encoding: 'utf8') => Promise<string>;
  readonly open: (
    path: string,
    flags: string | number,
    mode?: number,
  ) => Promise<nodeFs.FileHandle>;
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

/** The real file system, with a directory watch that reports changed names. */
export function systemFs(): StoreFs {
  return {
    // Named, not `import * as`: a CommonJS bundle would copy all of fs/promises for that.
    readFile,
    open,
    rename,
    unlink,
    mkdir,
    realpath,
    readlink,
    lstat,
    readdir,
    stat,
    watch: (dir, onEvent) => {
      // Not persistent: the caller's own timers decide how long the process lives.
      const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(name));
      watcher.on('error', () => watcher.close());
      return watcher;
    },
  };
}
