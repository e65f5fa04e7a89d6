// One contract every OS backend passes: the Scanner, ProcessInspector, ProcessTree and
// working-directory lookup that core relies on. Linux runs it against real processes the
// test starts; macOS against the contract library (test/os/darwin/contract), through pm's
// real koffi declarations. A backend's world says how to make "a listener of this user's".
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessInspector, ProcessTree, Scanner } from '../../../src/core/ports.js';

export interface OwnListener {
  readonly pid: number;
  readonly parentPid: number;
  readonly port: number;
  readonly cwd: string;
  /** The executable's file name as the scanner should name the process. */
  readonly name: string;
  /** An argument that must appear in the command line. */
  readonly argument: string;
  /** The value of PM_SERVICE in its environment. */
  readonly marker: string;
}

export interface BackendWorld {
  readonly scanner: Scanner;
  readonly inspector: ProcessInspector;
  readonly tree: ProcessTree;
  readonly cwdOf: (pid: number) => string | undefined;
  /** A TCP listener on 127.0.0.1 owned by a process of this user, started by `parentPid`. */
  ownListener(): Promise<OwnListener>;
  /** A pid no process has. */
  readonly deadPid: number;
  cleanup(): Promise<void>;
}

export function describeBackendContract(
  name: string,
  makeWorld: () => Promise<BackendWorld>,
  options: { readonly skip?: string } = {},
): void {
  describe.skipIf(options.skip !== undefined)(`backend contract: ${name}`, () => {
    let world: BackendWorld | undefined;
    const open = async () => {
      world = await makeWorld();
      return world;
    };
    afterEach(async () => {
      await world?.cleanup();
      world = undefined;
    });

    it('scanner: lists the listener with its port, address, pid and process name', async () => {
      const w = await open();
      const own = await w.ownListener();
      const outcome = await w.scanner.scan();
      if (!outcome.ok) throw new Error(outcome.reason);
      const found = outcome.listeners.find((l) => l.protocol === 'tcp' && l.port === own.port);
      expect(found).toMatchObject({
        family: 'ipv4',
        address: '127.0.0.1',
        pid: own.pid,
        process: own.name,
      });
      expect(found?.command?.join(' ')).toContain(own.argument);
    });

    it('scanner: attributes only the ports asked about, and still lists the rest', async () => {
      const w = await open();
      const own = await w.ownListener();
      const outcome = await w.scanner.scan({ attribute: (port) => port !== own.port });
      if (!outcome.ok) throw new Error(outcome.reason);
      const found = outcome.listeners.find((l) => l.protocol === 'tcp' && l.port === own.port);
      expect(found).toBeDefined();
      expect(found?.command).toBeUndefined();
    });

    it('inspector: the detail of its own process, with its listening socket', async () => {
      const w = await open();
      const own = await w.ownListener();
      const detail = await w.inspector.detail(own.pid);
      expect(detail).toMatchObject({ pid: own.pid, ppid: own.parentPid, cwd: own.cwd });
      expect(detail?.uid).toBeTypeOf('number');
      expect(detail?.startTime).toBeTypeOf('number');
      expect(detail?.command?.join(' ')).toContain(own.argument);
      expect(detail?.sockets).toContainEqual(
        expect.objectContaining({ protocol: 'tcp', port: own.port, state: 'LISTEN' }),
      );
      expect(await w.inspector.startTime(own.pid)).toBe(detail?.startTime);
      expect(await w.inspector.parentPid(own.pid)).toBe(own.parentPid);
    });

    it('inspector: nothing for a pid that does not exist', async () => {
      const w = await open();
      expect(await w.inspector.detail(w.deadPid)).toBeUndefined();
      expect(await w.inspector.startTime(w.deadPid)).toBeUndefined();
    });

    it('process tree: the listener descends from its parent and carries the pm run marker', async () => {
      const w = await open();
      const own = await w.ownListener();
      expect(w.tree.descendants(own.parentPid).has(own.pid)).toBe(true);
      expect(w.tree.descendants(own.pid).has(own.parentPid)).toBe(false);
      expect(w.tree.environmentValue(own.pid, 'PM_SERVICE')).toBe(own.marker);
      expect(w.tree.environmentValue(own.pid, 'PM_NO_SUCH_VARIABLE')).toBeUndefined();
      expect(w.tree.environmentValue(w.deadPid, 'PM_SERVICE')).toBeUndefined();
    });

    it('working directory: the process cwd, nothing for a dead pid', async () => {
      const w = await open();
      const own = await w.ownListener();
      expect(w.cwdOf(own.pid)).toBe(own.cwd);
      expect(w.cwdOf(w.deadPid)).toBeUndefined();
    });
  });
}
