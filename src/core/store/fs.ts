// The file-system boundary of the store: the calls it makes (so tests can inject faults)
// and how their errors reach the user.
import type * as nodeFs from 'node:fs/promises';
import { dirname } from 'node:path';
import { PmError } from '../errors.js';

/** The file-system calls the store makes; tests replace some of them to inject faults. */
export interface StoreFs {
  readonly readFile: (path: string, encoding: 'utf8') => Promise<string>;
  readonly open: (path: string, flags: string, mode?: number) => Promise<nodeFs.FileHandle>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly unlink: (path: string) => Promise<void>;
  readonly mkdir: (path: string, options: { recursive: true; mode: number }) => Promise<unknown>;
  readonly realpath: (path: string) => Promise<string>;
  readonly readdir: (path: string) => Promise<string[]>;
  readonly stat: (
    path: string,
  ) => Promise<{ mtimeMs: number; size: number; mode: number; ino: number }>;
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
    EROFS: 'the file system is read-only; point pm elsewhere with --registry or PM_REGISTRY',
  };
  const detail = error instanceof Error ? error.message : String(error);
  return new PmError(
    'IO',
    `could not ${action} ${path}: ${detail}`,
    (code && hints[code]) ?? 'retry; if it keeps failing, run pm doctor',
    { cause: error },
  );
}

export const sleep = (ms: number): Promise<void> =>
  new Promise<void>((done) => setTimeout(done, ms));
