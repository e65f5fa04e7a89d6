// The backend contract on macOS's calls, run on Linux: pm's darwin backend loads the
// contract library through its real koffi declarations (loadDarwinLibc(path)) and answers
// the same contract the Linux backend passes against real processes.
import { createDarwinScanner } from '../../../../src/native/darwin.js';
import { createDarwinInspector } from '../../../../src/native/darwin-process.js';
import { createDarwinProcessTree, darwinCwd } from '../../../../src/native/darwin-tree.js';
import { type BackendWorld, describeBackendContract } from '../../contract/backend-contract.js';
import { buildContractLibrary, compiler, openContractLibrary } from './contract-library.js';
import { LISTENER, macWithServer } from './mac-machines.js';

const cc = compiler();
const skip =
  process.platform !== 'linux'
    ? 'the contract library is built for Linux'
    : cc
      ? undefined
      : 'no C compiler (cc, gcc or clang) on PATH';
const contract =
  skip === undefined ? openContractLibrary(buildContractLibrary(cc as string)) : undefined;

async function darwinWorld(): Promise<BackendWorld> {
  const library = contract!;
  const scanner = createDarwinScanner(library.binding);
  return {
    scanner,
    inspector: createDarwinInspector(library.binding),
    tree: createDarwinProcessTree(library.binding),
    cwdOf: (pid) => darwinCwd(library.binding, pid),
    deadPid: 99_999,
    async ownListener() {
      library.use(macWithServer());
      const { pid, parentPid, port } = LISTENER;
      return {
        pid,
        parentPid,
        port,
        cwd: '/Users/anna/src/shop',
        name: 'node',
        argument: '--contract',
        marker: 'contract/web',
      };
    },
    async cleanup() {
      scanner.dispose?.();
    },
  };
}

describeBackendContract(
  'darwin (contract library)',
  darwinWorld,
  skip === undefined ? {} : { skip },
);
