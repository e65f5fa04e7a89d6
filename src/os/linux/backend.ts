// What pm reads natively on Linux, as one module loaded on first use: the socket scanner and
// the process inspector share their decoders, so they load together and each exists once.
import type { ProcessInspector, Scanner, ScannerMode } from '../../core/ports.js';
import { createLinuxInspector } from './inspector.js';
import { createLinuxScanner } from './scanner.js';

export function scanner(mode: ScannerMode | undefined): Scanner {
  return createLinuxScanner({
    force: mode === 'procfs' ? 'procfs' : mode === 'netlink' ? 'netlink' : undefined,
  });
}

export function inspector(): ProcessInspector {
  return createLinuxInspector();
}
