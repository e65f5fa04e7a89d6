// Windows: sockets from iphlpapi, processes from kernel32 and ntdll, through koffi, loaded
// with the backend module on first use.
import type { Platform } from '../../core/ports.js';
import { createProcessTree } from '../linux/tree.js';
import { nativePlatform } from '../shared/native-platform.js';

export function win32Platform(): Platform {
  return nativePlatform({
    name: 'win32',
    scannerName: () => 'win32-iphlpapi',
    inspectorName: 'win32-kernel32',
    load: async () => {
      const backend = await import('./backend.js');
      const tree = backend.treeOf();
      return { scanner: backend.scanner, inspector: backend.inspector, ...(tree ? { tree } : {}) };
    },
    // The working directory lives only in the process's own memory (PEB): not read.
    cwdOf: () => undefined,
    // Until the backend loads, and for the environment always (the PEB): reports nothing.
    tree: createProcessTree({ platform: 'win32' }),
  });
}
