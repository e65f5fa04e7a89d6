// Which processes descend from a child pm started, and which `pm run` service a process was
// started for. Linux answers both from /proc without privileges for the user's own processes:
// parent pids from /proc/<pid>/stat, the environment from /proc/<pid>/environ (readable only
// for one's own processes, which is exactly the set `pm run` starts).
//
// Elsewhere these report nothing, so drift goes unnoticed and `moved` is never shown:
// - macOS: sysctl KERN_PROCARGS2 returns a process's arguments followed by its environment
//   (own processes only), and proc_listchildpids the tree; not wired yet.
// - Windows: the environment lives in the target's PEB, readable only by reading another
//   process's memory (NtQueryInformationProcess + ReadProcessMemory); pm does not do that.

import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessTree } from '../../core/ports.js';
import { parseStatFields } from './decode/procfs-process.js';

export interface ProcessTreeOptions {
  readonly platform?: NodeJS.Platform;
  /** Where procfs is mounted; tests point it at a fake tree. */
  readonly procRoot?: string;
}

/** Pure: descendants of `root` in a pid -> parent pid table. */
export function descendantsIn(parents: ReadonlyMap<number, number>, root: number): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const found = new Set<number>([root]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return found;
}

/** Pure: one variable out of a NUL-separated environment block. */
export function valueInEnviron(block: string, name: string): string | undefined {
  const prefix = `${name}=`;
  for (const entry of block.split('\0')) {
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return undefined;
}

export function createProcessTree(options: ProcessTreeOptions = {}): ProcessTree {
  const platform = options.platform ?? process.platform;
  const root = options.procRoot ?? '/proc';
  if (platform !== 'linux') {
    return {
      descendants: (pid) => new Set([pid]),
      environmentValue: () => undefined,
    };
  }
  const pids = (): number[] => {
    try {
      return readdirSync(root)
        .map(Number)
        .filter((pid) => Number.isInteger(pid) && pid > 0);
    } catch {
      return [];
    }
  };
  const environmentValue = (pid: number, name: string): string | undefined => {
    try {
      return valueInEnviron(readFileSync(`${root}/${pid}/environ`, 'latin1'), name);
    } catch {
      // Another user's process (EACCES), or gone.
      return undefined;
    }
  };
  return {
    descendants(pid) {
      const parents = new Map<number, number>();
      for (const child of pids()) {
        const name = String(child);
        try {
          const ppid = parseStatFields(readFileSync(`${root}/${name}/stat`, 'latin1'))?.ppid;
          if (ppid !== undefined) parents.set(child, ppid);
        } catch {
          // Gone between readdir and read: not part of anyone's tree any more.
        }
      }
      return descendantsIn(parents, pid);
    },
    environmentValue,
  };
}
