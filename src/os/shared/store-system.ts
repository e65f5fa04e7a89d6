// What the registry store needs of the OS (core/ports.ts StoreSystem): the platform's name,
// the lock-holder probe and the temp-file naming. The probe is built on its first question:
// it reads the boot id, which only a write (a lock) needs, never a `pm query`.
import type { ProcessProbe, StoreSystem } from '../../core/ports.js';
import { systemProbe } from './process-identity.js';
import { systemTempFiles } from './temp-file.js';

function lazyProbe(platform: NodeJS.Platform): ProcessProbe {
  let probe: ProcessProbe | undefined;
  const get = () => {
    probe ??= systemProbe(platform);
    return probe;
  };
  return { self: () => get().self(), liveness: (identity) => get().liveness(identity) };
}

export function storeSystem(platform: NodeJS.Platform): StoreSystem {
  return { platform, probe: lazyProbe(platform), tempFiles: systemTempFiles };
}
