// Makes a rename durable across power loss (the directory entry reaches the disk). Windows
// cannot open a directory for this; there it is skipped.
import { closeSync, fsyncSync, openSync } from 'node:fs';

export function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const handle = openSync(dir, 'r');
    try {
      fsyncSync(handle);
    } finally {
      closeSync(handle);
    }
  } catch {
    // durability only; the rename itself is done
  }
}
