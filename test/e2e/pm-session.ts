// The built pm in a real terminal (tmux) against a private registry: shared set-up for the
// end-to-end tests that drive the dashboard key by key.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSession, type TmuxSession } from './tmux.js';

export const CLI = resolve('dist/cli.js');
/** The real scanner, colours on, and nothing from the developer's own setup. */
const PROGRAM_UNSET = ['PM_SCANNER', 'PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR'];

export interface Dashboard {
  readonly tmux: TmuxSession;
  readonly registry: string;
  resize(columns: number, rows: number): void;
  close(): Promise<void>;
}

/** A registry file with `count` services of project `big`, ports from 4000. */
export function bigRegistry(count: number): string {
  const lines = ['version = 1', '', '[defaults]', 'range_start = 4000', 'range_end = 9999', ''];
  lines.push('[projects.big.ports]');
  for (let i = 0; i < count; i++) lines.push(`svc${String(i).padStart(3, '0')} = ${4000 + i}`);
  return `${lines.join('\n')}\n`;
}

/** The dashboard on a fresh registry (this text, or none), in a terminal of this size. */
export async function startDashboardSession(
  registryText: string | undefined,
  columns: number,
  rows: number,
  options: { readonly fromShell?: boolean } = {},
): Promise<Dashboard> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'node scripts/build.mjs' first`);
  const dir = await mkdtemp(join(tmpdir(), 'pm-e2e-'));
  const registry = join(dir, 'registry.toml');
  if (registryText !== undefined) await writeFile(registry, registryText);
  const program = [process.execPath, CLI, '--registry', registry];
  const tmux = startSession({
    // From an interactive shell (job control) the command is typed in, as a user would.
    command: options.fromShell ? ['/bin/bash', '--norc', '--noprofile', '-i'] : program,
    width: columns,
    height: rows,
    env: { TERM: 'xterm-256color' },
    unset: PROGRAM_UNSET,
  });
  if (options.fromShell) {
    tmux.type(program.map((word) => `'${word}'`).join(' '));
    tmux.keys('Enter');
  }
  return {
    tmux,
    registry,
    resize: (x, y) => {
      execFileSync('tmux', [
        '-L',
        tmux.socket,
        'resize-window',
        '-t',
        'main',
        '-x',
        String(x),
        '-y',
        String(y),
      ]);
    },
    async close() {
      tmux.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The line the selection marker is on. */
export const selectedLine = (screen: string) =>
  screen.split('\n').find((line) => line.startsWith('› '));
