// The process tree on Windows, for `pm run`'s drift warnings: one Toolhelp32 snapshot gives
// every process's parent. The environment (pm run's PM_SERVICE marker) and the working
// directory live in the target's PEB, readable only by reading another process's memory
// (NtQueryInformationProcess + ReadProcessMemory), which pm does not do: both stay unknown
// on Windows, so `moved` is decided without the marker and `conflict` never fires there.
import type { ProcessTree } from '../../core/ports.js';
import { descendantsIn } from '../linux/tree.js';
import { takeProcessSnapshot, type Win32Binding } from './scanner.js';

export function createWin32ProcessTree(api: Win32Binding): ProcessTree {
  return {
    descendants(root) {
      const parents = new Map<number, number>();
      for (const [pid, entry] of takeProcessSnapshot(api)) {
        // Windows reuses pids and keeps a dead parent's id in th32ParentProcessID: a pid
        // that names itself (the idle process) would loop.
        if (pid !== entry.ppid) parents.set(pid, entry.ppid);
      }
      return descendantsIn(parents, root);
    },
    environmentValue: () => undefined,
  };
}
