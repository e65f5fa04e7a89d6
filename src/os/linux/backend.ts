// What pm reads natively on Linux, as one module loaded on first use: the socket scanner and
// the process inspector share their decoders, so they load together and each exists once.
import type { ProcessInspector, Scanner, ScannerChoice } from '../../core/ports.js';
import { createLinuxInspector } from './inspector.js';
import { createLinuxScanner } from './scanner.js';

export function scanner({ mode, cacheDirectory }: ScannerChoice): Scanner {
  return createLinuxScanner({
    force: mode === 'procfs' ? 'procfs' : mode === 'netlink' ? 'netlink' : undefined,
    ...(cacheDirectory ? { cacheDirectory } : {}),
  });
}

export function inspector(): ProcessInspector {
  return createLinuxInspector();
}
