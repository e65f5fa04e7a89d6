// Who a process is, beyond its pid: pids are reused, so a lock records the holder's start time
// and boot, and a waiter compares them before calling the holder dead. Plain fs reads, no
// koffi: this runs on every write, and koffi's load would cost the allocate path its startup.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseStatFields } from '../linux/decode/procfs-process.js';
import { pidExists } from './pid-exists.js';

/** What a lock records about its holder. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** Linux: field 22 of /proc/<pid>/stat (clock ticks after boot); elsewhere undefined. */
  readonly startTime?: string;
  /** Linux: /proc/sys/kernel/random/boot_id; a different boot means every holder is gone. */
  readonly bootId?: string;
}

export type Liveness = 'alive' | 'dead';

/** The OS reads the lock needs; tests replace it to fake dead, reused or foreign holders. */
export interface ProcessProbe {
  readonly self: () => ProcessIdentity;
  /**
   * Whether the process that `identity` describes still runs on this machine. Linux compares
   * the start time too (a reused pid is a different process); macOS and Windows can only ask
   * whether the pid exists (signal 0), so a reused pid there counts as alive.
   */
  readonly liveness: (identity: ProcessIdentity) => Liveness;
}

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
