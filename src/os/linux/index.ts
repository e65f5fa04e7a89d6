// Linux: sockets from netlink sock_diag (or /proc/net), processes from /proc. The tree and
// the working directory are plain /proc reads; the rest loads with its backend module.
import type { Platform } from '../../core/ports.js';
import { nativePlatform } from '../shared/native-platform.js';
import { processCwd } from './cwd.js';
import { createProcessTree } from './tree.js';

export function linuxPlatform(): Platform {
  return nativePlatform({
    name: 'linux',
    scannerName: (mode) => (mode === 'procfs' ? 'linux-procfs' : 'linux-netlink'),
    inspectorName: 'linux-procfs',
    load: () => import('./backend.js'),
    tree: createProcessTree({ platform: 'linux' }),
    cwdOf: processCwd,
  });
}
