// The dashboard as a new user meets it, in a real terminal (tmux) at 40, 80 and 120 columns:
// real registry, real scanner, real listeners started here.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, it } from 'vitest';
import { type HeldPorts, holdListeners } from '../helpers/listener.js';
import { startSession, type TmuxSession } from './tmux.js';

const CLI = resolve('dist/cli.js');
const PROGRAM_UNSET = ['PM_SCANNER', 'PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR'];

function pm(registry: string, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, '--registry', registry, ...args], {
    encoding: 'utf8',
    env: Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !PROGRAM_UNSET.includes(name)),
    ),
  }).trim();
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function registryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-e2e-consistency-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'registry.toml');
}

async function listener(): Promise<HeldPorts> {
  const held = await holdListeners([{ host: '127.0.0.1', port: 0 }]);
  cleanups.push(() => held.stop());
  return held;
}

function dashboard(registry: string, width: number, height: number, ...args: string[]) {
  const session = startSession({
    command: [process.execPath, CLI, '--registry', registry, ...args],
    width,
    height,
    env: { TERM: 'xterm-256color' },
    unset: PROGRAM_UNSET,
  });
  cleanups.push(() => session.kill());
  return session;
}

/** A range around `port`, so a listener on it is in range and pm hands out ports near it. */
function rangeAround(registry: string, port: number): void {
  pm(registry, 'config', '--range', `${Math.max(1024, port - 40)}-${Math.min(65535, port + 40)}`);
}

describe.skipIf(process.platform === 'win32')('the dashboard at 40, 80 and 120 columns', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'node scripts/build.mjs' first`);
  });

  it.each([40, 80, 120])(
    'pm --all starts with unmanaged rows shown (%i columns)',
    async (width) => {
      const registry = await registryDir();
      const held = await listener();
      const port = held.ports[0] as number;
      rangeAround(registry, port);
      pm(registry, 'allocate', 'shop', 'web');
      const tmux: TmuxSession = dashboard(registry, width, 24, '--all');
      await tmux.waitFor(
        (screen) => new RegExp(`\\b${port}\\s+unmanaged`).test(screen),
        `the unmanaged listener on ${port}, without pressing u`,
      );
    },
  );
});
