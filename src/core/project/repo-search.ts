// Finding a repository's own files (.pm.toml, .pm.local.toml, .git) by walking up from the
// working directory. Whoever can write a directory above the user's checkout (/tmp, a
// shared mount) could otherwise plant one that governs every command below it, so, like
// git's safe.directory: a file (or its directory) owned by another user is ignored with a
// warning, and the walk stops at the home directory, at another file system and where the
// directories' owner changes.
import { type BigIntStats, lstatSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface SearchOptions {
  /** The effective uid pm runs as; undefined (Windows) turns the ownership rules off. */
  readonly uid?: number | undefined;
  /** Nothing above it is searched. */
  readonly home?: string | undefined;
  /** Told about each file ignored because another user owns it. */
  readonly warn?: ((message: string) => void) | undefined;
}

export function defaultSearchOptions(warn?: (message: string) => void): SearchOptions {
  let home: string | undefined;
  try {
    home = homedir() || undefined;
  } catch {
    home = undefined;
  }
  return { uid: process.geteuid?.(), home, warn };
}

function statOf(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Why a file another user could have written is not used, or undefined when it is ours. */
export function foreignOwner(
  file: string,
  options: SearchOptions,
  entry: Stats | BigIntStats | undefined = statOf(file, false),
): string | undefined {
  const { uid } = options;
  if (uid === undefined || entry === undefined) return undefined;
  if (Number(entry.uid) !== uid) return `it belongs to uid ${entry.uid}`;
  if (entry.isSymbolicLink()) {
    const target = statOf(file, true);
    if (target !== undefined && target.uid !== uid)
      return `the file it links to belongs to uid ${target.uid}`;
  }
  const dir = statOf(dirname(file), true);
  if (dir !== undefined && dir.uid !== uid) return `its directory belongs to uid ${dir.uid}`;
  return undefined;
}

export function foreignWarning(file: string, why: string, uid: number | undefined): string {
  return `ignoring ${file}: ${why}, not to the user running pm (uid ${uid}); a file another user could have written is never used (as git's safe.directory). If it is yours, chown it to yourself`;
}

/** Ignores `file` with a warning when another user owns it; true when it may be used. */
export function trusted(file: string, options: SearchOptions): boolean {
  const why = foreignOwner(file, options);
  if (why === undefined) return true;
  options.warn?.(foreignWarning(file, why, options.uid));
  return false;
}

/**
 * The nearest `name` at or above `from`, or undefined: none found before a stop, or the
 * nearest one belongs to another user (then the walk ends there, with a warning).
 */
export function findUpward(from: string, name: string, options: SearchOptions): string | undefined {
  let dir = resolve(from);
  let here = statOf(dir, true);
  const home = options.home === undefined ? undefined : resolve(options.home);
  for (;;) {
    const file = join(dir, name);
    if (statOf(file, false) !== undefined) return trusted(file, options) ? file : undefined;
    if (dir === home) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    const up = statOf(parent, true);
    if (up === undefined || here === undefined) return undefined;
    if (up.dev !== here.dev) return undefined;
    if (options.uid !== undefined && up.uid !== here.uid) return undefined;
    dir = parent;
    here = up;
  }
}
