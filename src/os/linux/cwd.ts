// A process's working directory, for telling "my project's dev server" from "someone else on
// my port". Only Linux exposes it without a native call, and only for the user's own
// processes; elsewhere (and when denied) the answer is "unknown", which never makes a conflict.
import { readlinkSync } from 'node:fs';

export function processCwd(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
