// macOS: sockets from sysctl pcblists, processes from libproc, both through koffi, loaded
// with the backend module on first use.
import type { Platform } from '../../core/ports.js';
import { createProcessTree } from '../linux/tree.js';
import { nativePlatform } from '../shared/native-platform.js';

export interface DarwinPlatformOptions {
  /** libSystem's path; the contract tests pass their stand-in. */
  readonly library?: string;
}

export function darwinPlatform(options: DarwinPlatformOptions = {}): Platform {
  return nativePlatform({
    name: 'darwin',
    scannerName: () => 'darwin-sysctl',
    inspectorName: 'darwin-libproc',
    load: async () => (await import('./backend.js')).createDarwinBackend(options.library),
    // Until the backend loads (a scan or an inspection loads it), the tree reports nothing.
    tree: createProcessTree({ platform: 'darwin' }),
  });
}
