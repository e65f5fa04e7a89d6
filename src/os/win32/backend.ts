// What pm reads natively on Win32, as one module loaded on first use: the socket scanner and
// the process inspector share their decoders, so they load together and each exists once.
import type { ProcessInspector, Scanner } from '../../core/ports.js';
import { createWin32Inspector } from './inspector.js';
import { createWin32Scanner } from './scanner.js';

/** One scanner; PM_SCANNER's Linux modes mean nothing here. */
export function scanner(): Scanner {
  return createWin32Scanner();
}

export function inspector(): ProcessInspector {
  return createWin32Inspector();
}
