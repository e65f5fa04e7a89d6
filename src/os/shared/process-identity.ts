// Who a process is, beyond its pid: pids are reused, so a lock records the holder's start time
// and boot, and a waiter compares them before calling the holder dead. Plain fs reads, no
// koffi: this runs on every write, and koffi's load would cost the allocate path its startup.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ProcessProbe } from '../../core/ports.js';
import { parseStatFields } from '../linux/decode/procfs-process.js';

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function linuxStartTime(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  const ticks = stat === undefined ? undefined : parseStatFields(stat)?.startTicks;
  return ticks === undefined ? undefined : String(ticks);
}

export function systemProbe(platform: NodeJS.Platform = process.platform): ProcessProbe {
  const linux = platform === 'linux';
  const bootId = linux ? readProc('/proc/sys/kernel/random/boot_id')?.trim() : undefined;
  return {
    self: () => ({
      pid: process.pid,
      host: hostname(),
      ...(linux ? { startTime: linuxStartTime(process.pid) } : {}),
      ...(bootId ? { bootId } : {}),
    }),
    liveness: (identity) => {
      if (identity.bootId && bootId && identity.bootId !== bootId) return 'dead';
      if (!linux || identity.startTime === undefined) {
        return pidExists(identity.pid) ? 'alive' : 'dead';
      }
      const now = linuxStartTime(identity.pid);
      if (now === undefined) return pidExists(identity.pid) ? 'alive' : 'dead';
      return now === identity.startTime ? 'alive' : 'dead';
    },
  };
}

/** Whether a process with this pid exists (any owner); signal 0 delivers nothing. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
