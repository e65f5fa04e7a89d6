// The macOS answers to "which processes descend from this one", "what is this variable in its
// environment" and "where does it run": proc_listchildpids walks the tree (any user's
// processes), KERN_PROCARGS2 carries the environment after argv and PROC_PIDVNODEPATHINFO the
// working directory (both the user's own processes only, all as root). They drive drift
// warnings of `pm run`, the `moved` state (pm run's PM_SERVICE marker) and `conflict` (the
// working directory is read by inspector.ts's workingDirectory).
import type { ProcessTree } from '../../core/ports.js';
import { readProcEnvironment } from './args.js';
import { decodePidList } from './decode/proc.js';
import type { DarwinBinding } from './scanner.js';

/** Rounds of size-then-fetch before a child list that keeps growing is taken as it is. */
const CHILD_LIST_ATTEMPTS = 3;

export function createDarwinProcessTree(libc: DarwinBinding): ProcessTree {
  return {
    descendants(root) {
      const found = new Set<number>([root]);
      const queue = [root];
      while (queue.length > 0) {
        for (const child of childPids(libc, queue.pop() as number)) {
          if (found.has(child)) continue;
          found.add(child);
          queue.push(child);
        }
      }
      return found;
    },
    environmentValue(pid, name) {
      const environment = readProcEnvironment(libc, pid);
      if (!environment.ok) return undefined;
      const prefix = `${name}=`;
      return environment.value.find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
    },
  };
}

/** proc_listchildpids answers a pid count; asked with no buffer, an estimate with slack. */
export function childPids(libc: DarwinBinding, ppid: number): readonly number[] {
  if (!libc.proc_listchildpids) return [];
  for (let attempt = 1; attempt <= CHILD_LIST_ATTEMPTS; attempt++) {
    const estimate = libc.proc_listchildpids(ppid, null, 0);
    if (estimate <= 0) return [];
    const capacity = estimate + attempt * 16;
    const buf = Buffer.alloc(capacity * 4);
    const count = libc.proc_listchildpids(ppid, buf, buf.length);
    if (count < 0) return [];
    // A full buffer may have cut the list: ask again with more room.
    if (count < capacity || attempt === CHILD_LIST_ATTEMPTS) {
      return decodePidList(buf, Math.min(count, capacity) * 4);
    }
  }
  return [];
}
