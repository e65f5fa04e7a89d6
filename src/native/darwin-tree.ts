// The macOS answers to "which processes descend from this one", "what is this variable in its
// environment" and "where does it run": proc_listchildpids walks the tree (any user's
// processes), KERN_PROCARGS2 carries the environment after argv and PROC_PIDVNODEPATHINFO the
// working directory (both the user's own processes only, all as root). They drive drift
// warnings of `pm run`, the `moved` state (pm run's PM_SERVICE marker) and `conflict`.
import type { DarwinBinding } from './darwin.js';
import { readProcEnvironment } from './darwin-args.js';
import { decodePidList } from './decode/darwin-proc.js';
import { decodeVnodePathInfo, VNODE_PATH_INFO_SIZE } from './decode/darwin-process.js';
import type { ProcessTree } from './process-tree.js';

const PROC_PIDVNODEPATHINFO = 9;
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

/** The working directory of `pid`, or undefined when macOS does not say (another user). */
export function darwinCwd(libc: DarwinBinding, pid: number): string | undefined {
  const vnode = Buffer.alloc(VNODE_PATH_INFO_SIZE);
  return decodeVnodePathInfo(
    vnode,
    libc.proc_pidinfo(pid, PROC_PIDVNODEPATHINFO, 0, vnode, vnode.length),
  );
}
