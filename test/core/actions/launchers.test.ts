// Nest's server is `node dist/main`, started by `nest start` (through a shell or not): the
// row names it after the launcher found among its ancestors, and only such servers make pm
// look up the tree, once per process.
import { describe, expect, it } from 'vitest';
import { scannerWithLaunchers } from '../../../src/core/actions/launchers.js';
import { mayHaveLauncher, processLabel } from '../../../src/core/model/program.js';
import { withProgram } from '../../../src/core/model/status.js';
import type { Listener, ProcessDetail, ProcessInspector } from '../../../src/core/ports.js';
import { fakeScanner, tcp } from '../../helpers/fakes.js';

interface Proc {
  readonly ppid: number;
  readonly command: readonly string[];
}

/** An inspector over a process table; counts the questions it is asked. */
function tableInspector(table: Record<number, Proc>) {
  const asked = { parents: 0, details: 0 };
  const inspector: ProcessInspector = {
    async detail(pid) {
      asked.details++;
      const proc = table[pid];
      return proc === undefined
        ? undefined
        : ({ pid, ppid: proc.ppid, command: proc.command, unavailable: {} } as ProcessDetail);
    },
    async startTime() {
      return 1;
    },
    async parentPid(pid) {
      asked.parents++;
      return table[pid]?.ppid;
    },
  };
  return { inspector, asked };
}

const NEST = ['node', '/home/u/api/node_modules/@nestjs/cli/bin/nest.js', 'start', '--watch'];
const SERVER = ['node', '--enable-source-maps', '/home/u/api/dist/main'];

const listening = (port: number, pid: number, command: readonly string[]): Listener => ({
  ...tcp(port, pid, 'node'),
  command,
});

const label = (listener: Listener | undefined) => {
  const named = listener && withProgram(listener);
  return processLabel(named?.process, named?.program);
};

describe('a server started by a launcher', () => {
  it('is named after nest start, through a shell between them', async () => {
    const { inspector } = tableInspector({
      300: { ppid: 250, command: SERVER },
      250: { ppid: 200, command: ['/bin/sh', '-c', 'node --enable-source-maps dist/main'] },
      200: { ppid: 1, command: NEST },
    });
    const scanner = scannerWithLaunchers(fakeScanner([listening(3000, 300, SERVER)]), inspector);
    const outcome = await scanner.scan();
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.listeners[0]?.launcher).toBe('nest');
    expect(label(outcome.listeners[0])).toBe('nest (node)');
  });

  it('stays main when nothing above it is a launcher', async () => {
    const { inspector } = tableInspector({
      300: { ppid: 200, command: ['node', 'dist/main.js'] },
      200: { ppid: 100, command: ['bash'] },
      100: { ppid: 1, command: ['tmux'] },
    });
    const scanner = scannerWithLaunchers(
      fakeScanner([listening(3000, 300, ['node', 'dist/main.js'])]),
      inspector,
    );
    const outcome = await scanner.scan();
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.listeners[0]?.launcher).toBeUndefined();
    expect(label(outcome.listeners[0])).toBe('main.js (node)');
  });

  it('asks about each process once, and never about servers that name themselves', async () => {
    const { inspector, asked } = tableInspector({
      300: { ppid: 200, command: SERVER },
      200: { ppid: 1, command: NEST },
    });
    const vite = ['node', '/home/u/web/node_modules/.bin/vite'];
    const scanner = scannerWithLaunchers(
      fakeScanner([listening(3000, 300, SERVER), listening(5173, 400, vite), tcp(22, 1, 'sshd')]),
      inspector,
    );
    for (let refresh = 0; refresh < 5; refresh++) {
      const outcome = await scanner.scan();
      if (!outcome.ok) throw new Error(outcome.reason);
      expect(outcome.listeners.map(label)).toEqual(['nest (node)', 'vite (node)', 'sshd']);
    }
    // One walk: the server's parent, then the launcher's command line.
    expect(asked).toEqual({ parents: 1, details: 1 });
  });

  it('keeps the scan as it was when the tree cannot be read', async () => {
    const inspector: ProcessInspector = {
      detail: async () => {
        throw new Error('EPERM');
      },
      startTime: async () => undefined,
      parentPid: async () => 200,
    };
    const scanner = scannerWithLaunchers(fakeScanner([listening(3000, 300, SERVER)]), inspector);
    const outcome = await scanner.scan();
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(label(outcome.listeners[0])).toBe('main (node)');
  });

  it('looks only at node running a build output named main', () => {
    expect(mayHaveLauncher('node', SERVER)).toBe(true);
    expect(mayHaveLauncher('node', ['node', 'dist/main.js'])).toBe(true);
    expect(mayHaveLauncher('node', ['node', 'server.js'])).toBe(false);
    expect(mayHaveLauncher('node', ['node', '/srv/domain/index.js'])).toBe(false);
    expect(mayHaveLauncher('python3', ['python3', 'main'])).toBe(false);
    expect(mayHaveLauncher('node', NEST)).toBe(false);
  });
});
