// What pm reads natively on Darwin, as one module loaded on first use: the socket scanner, the
// process inspector, the process tree and working directories share one libSystem binding.
// The library's path is the one injectable place: the contract tests (test/os/darwin/contract)
// hand in a stand-in that exports the same symbols.
import type { ProcessTree } from '../../core/ports.js';
import type { NativeBackend } from '../shared/native-platform.js';
import { createDarwinInspector, workingDirectory } from './inspector.js';
import {
  createDarwinScanner,
  type DarwinBinding,
  LIBSYSTEM_PATH,
  loadDarwinLibc,
} from './scanner.js';
import { createDarwinProcessTree } from './tree.js';

export function createDarwinBackend(library: string = LIBSYSTEM_PATH): NativeBackend {
  let libc: DarwinBinding | undefined;
  let failure: unknown;
  /** Loads the library once; throws its load error every time after a failure. */
  const binding = (): DarwinBinding => {
    if (libc) return libc;
    if (failure !== undefined) throw failure;
    try {
      libc = loadDarwinLibc(library);
      return libc;
    } catch (error) {
      failure = error;
      throw error;
    }
  };
  const usable = (): DarwinBinding | undefined => {
    try {
      return binding();
    } catch {
      return undefined;
    }
  };
  let tree: ProcessTree | undefined;
  return {
    // One scanner; PM_SCANNER's Linux modes mean nothing here.
    scanner: () => createDarwinScanner(binding),
    inspector: () => createDarwinInspector(binding),
    // PROC_PIDVNODEPATHINFO: the user's own processes answer, others need root.
    cwdOf: (pid) => {
      const lib = usable();
      return lib ? workingDirectory(lib, pid) : undefined;
    },
    get tree() {
      const lib = usable();
      if (lib) tree ??= createDarwinProcessTree(lib);
      return tree;
    },
  };
}
