// Temp files written beside a file and renamed over it (the registry, its backup, pm's caches)
// are named <file>.<pid>.<random>.tmp: a later pm can then tell a dead writer's debris from a
// live writer's file in progress, and only the first is removed.
import { basename } from 'node:path';
import type { TempFiles } from '../../core/ports.js';
import { pidExists } from './process-identity.js';

const TEMP_OWNER = /\.(\d+)\.[a-z0-9]+\.tmp$/;

/** Where this process writes `path` before renaming it over. */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

/** A temp file of `file` (or of `<file>.bak`), by its name in a directory listing. */
export function isTempFileOf(name: string, file: string): boolean {
  return name.startsWith(`${basename(file)}.`) && name.endsWith('.tmp');
}

/** A temp file of `file` whose writer no longer runs (or cannot be told): nobody renames it. */
export function isDeadWritersTemp(name: string, file: string): boolean {
  if (!isTempFileOf(name, file)) return false;
  const pid = Number(TEMP_OWNER.exec(name)?.[1]);
  return !(Number.isInteger(pid) && pid > 0 && pidExists(pid));
}

/** The temp files of this process, as the store is given them. */
export const systemTempFiles: TempFiles = {
  pathFor: tempPathFor,
  isOf: isTempFileOf,
  isDeadWriters: isDeadWritersTemp,
};
