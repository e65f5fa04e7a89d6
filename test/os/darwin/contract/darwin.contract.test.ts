// The backend contract on macOS's calls, run on Linux: pm's darwin backend loads the
// contract library through its real koffi declarations (loadDarwinLibc(path)) and answers
// the same contract the Linux backend passes against real processes.
import { darwinPlatform } from '../../../../src/os/darwin/index.js';
import {
  createDarwinInspector,
  workingDirectory as darwinCwd,
} from '../../../../src/os/darwin/inspector.js';
import { createDarwinScanner } from '../../../../src/os/darwin/scanner.js';
import { createDarwinProcessTree } from '../../../../src/os/darwin/tree.js';
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
const library = skip === undefined ? buildContractLibrary(cc as string) : undefined;
const contract = library !== undefined ? openContractLibrary(library) : undefined;

async function darwinWorld(): Promise<BackendWorld> {
  const lib = contract!;
  const scanner = createDarwinScanner(lib.binding);
  return {
    scanner,
    inspector: createDarwinInspector(lib.binding),
    tree: createDarwinProcessTree(lib.binding),
    cwdOf: (pid) => darwinCwd(lib.binding, pid),
    deadPid: 99_999,
    async ownListener() {
      lib.use(macWithServer());
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

/** The whole macOS Platform as core gets it (src/os/darwin/index.ts), its libSystem swapped. */
async function darwinPlatformWorld(): Promise<BackendWorld> {
  const platform = darwinPlatform({ library: library! });
  const scanner = platform.scanner({});
  return {
    scanner,
    inspector: platform.inspector,
    tree: platform.tree,
    cwdOf: platform.cwdOf,
    deadPid: 99_999,
    async ownListener() {
      contract!.use(macWithServer());
      const { pid, parentPid, port } = LISTENER;
      // Every command that asks about a pid has scanned or inspected first: that loads the
      // backend, and with it the tree and the working directory.
      await platform.inspector.startTime(pid);
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
  'darwin Platform (contract library)',
  darwinPlatformWorld,
  skip === undefined ? {} : { skip },
);
