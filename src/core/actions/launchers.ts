// The scan as every front end sees it: a server whose command line names only its build
// output (`node dist/main`) carries the dev-server CLI that started it (`nest start`), found
// among its ancestors. Only such servers are looked at, each process once (the answer is
// kept for its pid and command line), and a process pm cannot read stays as it was.

import { LAUNCHER_DEPTH, launcherOf, mayHaveLauncher } from '../model/program.js';
import type { Listener, ProcessInspector, Scanner } from '../ports.js';
import { decoratedScanner } from './decorated-scanner.js';

interface Known {
  readonly command: string;
  readonly launcher: string | undefined;
}

export function scannerWithLaunchers(scanner: Scanner, inspector: ProcessInspector): Scanner {
  const known = new Map<number, Known>();

  async function launcherAbove(pid: number): Promise<string | undefined> {
    let current = pid;
    for (let depth = 0; depth < LAUNCHER_DEPTH; depth++) {
      const parent = await inspector.parentPid(current);
      if (parent === undefined || parent <= 1) return undefined;
      const command = (await inspector.detail(parent))?.command;
      const launcher = command ? launcherOf(command) : undefined;
      if (launcher !== undefined) return launcher;
      current = parent;
    }
    return undefined;
  }

  async function launcherOfListener(listener: Listener): Promise<string | undefined> {
    const { pid, command } = listener;
    if (pid === undefined || command === undefined) return undefined;
    if (!mayHaveLauncher(listener.process, command)) return undefined;
    // The same pid with the same argv is the same process for this purpose: a reused pid
    // running the same build output was most likely started the same way.
    const key = command.join('\0');
    const cached = known.get(pid);
    if (cached?.command === key) return cached.launcher;
    const launcher = await launcherAbove(pid).catch(() => undefined);
    known.set(pid, { command: key, launcher });
    return launcher;
  }

  return decoratedScanner(scanner, async (listeners) => {
    const candidates = listeners.filter(
      (listener) =>
        listener.command !== undefined && mayHaveLauncher(listener.process, listener.command),
    );
    if (candidates.length === 0) return listeners;
    const seen = new Set(candidates.map((listener) => listener.pid));
    for (const pid of known.keys()) if (!seen.has(pid)) known.delete(pid);
    return Promise.all(
      listeners.map(async (listener) => {
        const launcher = await launcherOfListener(listener);
        return launcher === undefined ? listener : { ...listener, launcher };
      }),
    );
  });
}
