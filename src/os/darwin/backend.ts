// What pm reads natively on Darwin, as one module loaded on first use: the socket scanner and
// the process inspector share their decoders, so they load together and each exists once.
import type { ProcessInspector, Scanner } from '../../core/ports.js';
import { createDarwinInspector, workingDirectory } from './inspector.js';
import { createDarwinScanner, type DarwinBinding, loadDarwinLibc } from './scanner.js';

/** One scanner; PM_SCANNER's Linux modes mean nothing here. */
export function scanner(): Scanner {
  return createDarwinScanner();
}

export function inspector(): ProcessInspector {
  return createDarwinInspector();
}

let libc: DarwinBinding | null | undefined;

/** PROC_PIDVNODEPATHINFO: the user's own processes answer, others need root. */
export function cwdOf(pid: number): string | undefined {
  if (libc === undefined) {
    try {
      libc = loadDarwinLibc();
    } catch {
      libc = null;
    }
  }
  return libc ? workingDirectory(libc, pid) : undefined;
}
