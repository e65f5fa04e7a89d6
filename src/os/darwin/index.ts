// macOS: sockets from sysctl pcblists, processes from libproc, both through koffi, loaded
// with the backend module on first use.
import type { Platform } from '../../core/ports.js';
import { createProcessTree } from '../linux/tree.js';
import { nativePlatform } from '../shared/native-platform.js';

export function darwinPlatform(): Platform {
  return nativePlatform({
    name: 'darwin',
    scannerName: () => 'darwin-sysctl',
    inspectorName: 'darwin-libproc',
    load: () => import('./backend.js'),
    // Not wired on macOS yet (src/os/linux/tree.ts says what it would take): reports nothing.
    tree: createProcessTree({ platform: 'darwin' }),
  });
}
