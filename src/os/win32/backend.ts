// What pm reads natively on Win32, as one module loaded on first use: the socket scanner and
// the process inspector share their decoders, so they load together and each exists once.
import type { ProcessInspector, ProcessTree, Scanner } from '../../core/ports.js';
import { createWin32Inspector } from './inspector.js';
import { createWin32Scanner, loadWin32Libraries, type Win32Binding } from './scanner.js';
import { createWin32ProcessTree } from './tree.js';

/** One scanner; PM_SCANNER's Linux modes mean nothing here. */
export function scanner(): Scanner {
  return createWin32Scanner();
}

export function inspector(): ProcessInspector {
  return createWin32Inspector();
}

let api: Win32Binding | null | undefined;

/** The process tree from Toolhelp32 snapshots, for drift warnings; none if kernel32 fails. */
export function treeOf(): ProcessTree | undefined {
  if (api === undefined) {
    try {
      api = loadWin32Libraries();
    } catch {
      api = null;
    }
  }
  return api ? createWin32ProcessTree(api) : undefined;
}
