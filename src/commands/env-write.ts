// `pm env --write FILE`: pm's fenced block in a user's env file, replaced atomically and only
// when it says something new.
import * as nodeFs from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PmError } from '../core/errors.js';
import { updateFence } from '../core/model/env-file.js';
import { replaceFile } from '../core/store/atomic-file.js';
import { errnoOf, ioError, type StoreFs } from '../core/store/fs.js';
import { currentPlatform } from '../os/index.js';

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Sets the project's block in `file`, leaving every other byte as it was. Nothing is written
 * when the block already says the same (the file's mtime stays), so watchers of the file
 * (compose, dev servers) are not woken for nothing. A symlinked file is updated where it
 * points, not replaced by a regular file.
 */
/** A file in a directory that does not exist: say that, not which temp file failed. */
async function requireDirectory(dir: string, file: string): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await nodeFs.stat(dir)).isDirectory();
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR')
      throw ioError('read', dir, error);
  }
  if (!isDirectory) {
    throw new PmError(
      'IO',
      `cannot write ${file}: the directory ${dir} does not exist`,
      'create the directory first, or write the file somewhere that exists',
    );
  }
}

export async function writeEnvFile(
  file: string,
  project: string,
  lines: readonly string[],
): Promise<WriteOutcome> {
  let target = resolve(file);
  let current: Buffer | undefined;
  let mode = 0o644;
  try {
    target = await nodeFs.realpath(target);
    current = await nodeFs.readFile(target);
    mode = (await nodeFs.stat(target)).mode & 0o7777;
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw ioError('read', target, error);
  }
  if (current === undefined) await requireDirectory(dirname(target), file);
  // latin1 maps each byte to one character and back, so bytes outside the block survive
  // whatever their encoding.
  const update = updateFence(current?.toString('latin1'), project, lines, file);
  if (!update.changed) return 'unchanged';
  const fs = nodeFs as unknown as StoreFs;
  await replaceFile(
    { fs, platform: currentPlatform().name as NodeJS.Platform },
    target,
    Buffer.from(update.text, 'latin1'),
    mode,
  );
  return current === undefined ? 'created' : 'updated';
}
