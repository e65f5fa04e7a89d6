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
    load: () => import('./backend.js'),
    // The working directory lives only in the process's own memory (PEB): not read.
    cwdOf: () => undefined,
    // Not wired on Windows (src/os/linux/tree.ts says why): reports nothing.
    tree: createProcessTree({ platform: 'win32' }),
  });
}
