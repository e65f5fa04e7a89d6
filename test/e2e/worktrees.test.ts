// A project and its git worktree, brought up with `pm up`, shown grouped by the built
// dashboard in a real terminal (tmux).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorktree, gitRepo } from '../helpers/git.js';
import { startSession, type TmuxSession } from './tmux.js';

const CLI = resolve('dist/cli.js');
const UNSET = ['PM_SCANNER', 'PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR'];

describe('worktrees in the dashboard, in a real terminal', () => {
  let dir: string;
  let session: TmuxSession | undefined;
  const ports: Record<string, string> = {};

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'pm-e2e-wt-')));
    const registry = join(dir, 'registry.toml');
    const pm = (cwd: string, ...args: string[]) =>
      execFileSync(process.execPath, [CLI, '--registry', registry, ...args], {
        cwd,
        encoding: 'utf8',
      });
    pm(dir, 'config', '--range', '21400-21499');
    const repo = gitRepo(join(dir, 'shop'), { '.pm.toml': '[services.web]\n' });
    const feat = addWorktree(repo, join(dir, 'shop-feat'), 'feat');
    pm(dir, 'allocate', 'shop-admin', 'web');
    for (const [name, cwd] of [
      ['shop', repo],
      ['shop-feat', feat],
    ] as const) {
      ports[name] = String(JSON.parse(pm(cwd, 'up', '--json')).services[0].port);
    }
    session = startSession({
      command: [process.execPath, CLI, '--registry', registry],
      width: 100,
      height: 20,
      env: { TERM: 'xterm-256color' },
      unset: UNSET,
    });
  });

  afterAll(() => {
    session?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the worktree indented right under its project', async () => {
    const screen = await (session as TmuxSession).waitFor(
      (text) => text.includes('shop-admin'),
      'the table with three projects',
    );
    const lines = screen.split('\n');
    const row = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const shop = row(new RegExp(`^[› ] shop\\s+web\\s+${ports.shop}\\s`));
    const feat = row(new RegExp(`^[› ] {3}shop-feat\\s+web\\s+${ports['shop-feat']}\\s`));
    const admin = row(/^[› ] shop-admin\s+web\s/);
    expect(shop).toBeGreaterThan(-1);
    expect(feat).toBe(shop + 1);
    expect(admin).toBe(feat + 1);
  });
});
