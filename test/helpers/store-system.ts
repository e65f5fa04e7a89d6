// The OS parts a RegistryStore is built with (wiring passes the Platform's): this machine's,
// for tests that build a store themselves. A test replaces `probe` to fake dead or reused pids.
import type { StoreSystem } from '../../src/core/ports.js';
import { storeSystem } from '../../src/os/shared/store-system.js';

export function testStoreSystem(): StoreSystem {
  return storeSystem(process.platform);
}
