// A process's working directory from /proc, without a native call; only the user's own
// processes answer, and a denied or gone one is "unknown", which never makes a conflict.
import { readlinkSync } from 'node:fs';

export function processCwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
