// Whole-file replacement: a temp file beside the target, written in full, flushed, renamed
// over it, and the directory flushed, so a reader or a crash only ever sees old or new.
import { rm } from 'node:fs';
import { dirname, join } from 'node:path';
import { PmError } from '../errors.js';
import type { TempFiles } from '../ports.js';
import { errnoOf, ioError, type StoreFs, sleep } from './fs.js';
import { ownerToKeep } from './keep-owner.js';

export interface FileContext {
  readonly fs: StoreFs;
  readonly platform: NodeJS.Platform;
  readonly tempFiles: TempFiles;
}

/**
 * Only the lock holder writes temp files, so any temp file seen while holding the lock was
 * left by a writer that died (SIGKILL, power loss) and is removed.
 */
export async function sweepTempFiles(
  { fs, tempFiles }: FileContext,
  dir: string,
  file: string,
): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    // A live writer's temp file is its own (a writer that lost the lock may still finish
    // writing it); only a dead writer's file is debris.
    // A dead lock-taker's temp directory (lock.ts) holds its owner.json.
    if (tempFiles.isDeadWriters(name, file))
      await fs.unlink(join(dir, name)).catch(() => removeTempDirectory(join(dir, name)));
  }
}

function removeTempDirectory(path: string): Promise<void> {
  return new Promise((resolve) => rm(path, { recursive: true, force: true }, () => resolve()));
}

export async function writeAtomic(
  context: FileContext,
  dir: string,
  target: string,
  text: string | Uint8Array,
  lockLost: () => Promise<Error | undefined>,
  mode = 0o600,
): Promise<void> {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const temp = context.tempFiles.pathFor(target);
  let renamed = false;
  try {
    const owner = ownerToKeep(
      await context.fs.stat(target).catch(() => context.fs.stat(dir).catch(() => undefined)),
    );
    const handle = await context.fs.open(temp, 'wx', mode);
    try {
      // The umask would narrow the mode of a file pm replaces; keep the one it had.
      if (mode !== 0o600) await handle.chmod(mode);
      if (owner) await handle.chown?.(owner.uid, owner.gid);
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        if (bytesWritten <= 0)
          throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        offset += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const lost = await lockLost();
    if (lost) {
      throw new PmError(
        'LOCK_COMPROMISED',
        `the registry lock was taken over by another process while this change was being written; the change was abandoned (${lost.message})`,
        "run the command again; the registry holds the other process's change",
      );
    }
    await renameWithRetry(context, temp, target);
    renamed = true;
    await syncDirectory(context, dir);
  } catch (error) {
    if (error instanceof PmError) throw error;
    throw ioError('write', target, error);
  } finally {
    if (!renamed) await context.fs.unlink(temp).catch(() => undefined);
  }
}

/** Windows reports EPERM/EBUSY while an antivirus or indexer holds the target briefly. */
async function renameWithRetry(
  { fs, platform }: FileContext,
  from: string,
  to: string,
): Promise<void> {
  const deadline = Date.now() + 2000;
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      const code = errnoOf(error);
      const transient = code === 'EPERM' || code === 'EBUSY' || code === 'EACCES';
      if (platform !== 'win32' || !transient || Date.now() >= deadline) throw error;
      await sleep(Math.min(100, 10 * (attempt + 1)));
    }
  }
}

/** Makes the rename durable across power loss; Windows cannot open directories. */
async function syncDirectory({ fs, platform }: FileContext, dir: string): Promise<void> {
  if (platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a file outside the registry (a user's .env) the same way: temp file beside it,
 * flushed, renamed over it. `mode` keeps the permissions of the file being replaced.
 */
export async function replaceFile(
  context: FileContext,
  target: string,
  data: Uint8Array,
  mode: number,
): Promise<void> {
  await writeAtomic(context, dirname(target), target, data, async () => undefined, mode);
}
