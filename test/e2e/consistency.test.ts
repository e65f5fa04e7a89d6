// The dashboard as a new user meets it, in a real terminal (tmux) at 40, 80 and 120 columns:
// real registry, real scanner, real listeners started here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

  /** The screen's words, lines joined: what wrapped over lines reads as one text. */
  const words = (screen: string) => screen.replace(/\s+/g, ' ');

  it.each([40, 80, 120])('the detail view wraps a long state whole (%i columns)', async (width) => {
    const registry = await registryDir();
    const project = join(
      registry,
      '..',
      'a-rather-long-directory-name',
      'shop-frontend-application',
    );
    mkdirSync(project, { recursive: true });
    const held = await listener();
    const port = held.ports[0] as number;
    rangeAround(registry, port);
    // The listener works in this repository, outside the project's path: a conflict.
    pm(registry, 'allocate', 'shop', 'web', '--port', String(port), '--force', '--path', project);
    const tmux = dashboard(registry, width, 30);
    await tmux.waitFor((screen) => /conflict/.test(screen), 'the conflict row');
    tmux.keys('Enter');
    const screen = await tmux.waitFor(
      (text) => words(text).includes("outside the project's path"),
      'the state explained',
    );
    expect(words(screen).replace(/ /g, '')).toContain(
      `outsidetheproject'spath${project}`.replace(/ /g, ''),
    );
  });

  it.each([40, 80, 120])(
    'a message and its hint wrap instead of being cut (%i columns)',
    async (width) => {
      const registry = await registryDir();
      const held = await listener();
      const port = held.ports[0] as number;
      rangeAround(registry, port);
      pm(registry, 'allocate', 'shop', 'web');
      const tmux = dashboard(registry, width, 30);
      await tmux.waitFor((screen) => /shop/.test(screen), 'the table');
      tmux.keys('a');
      await tmux.waitFor((screen) => /service/i.test(screen), 'the form');
      tmux.type('api');
      tmux.keys('Enter');
      tmux.type(String(port));
      tmux.keys('Enter');
      const screen = await tmux.waitFor((text) => /in use/.test(text), 'the refusal');
      expect(words(screen)).toContain('--force)');
    },
  );

  it.each([40, 80, 120])(
    'the form refuses letters in the port and keeps keys to itself (%i columns)',
    async (width) => {
      const registry = await registryDir();
      const held = await listener();
      rangeAround(registry, held.ports[0] as number);
      pm(registry, 'allocate', 'shop', 'web');
      const tmux = dashboard(registry, width, 30);
      await tmux.waitFor((screen) => /shop/.test(screen), 'the table');
      tmux.keys('a');
      await tmux.waitFor((screen) => /service/i.test(screen), 'the form');
      tmux.type('api');
      tmux.keys('Enter');
      tmux.type('12ab');
      tmux.keys('Enter');
      await tmux.waitFor((text) => /invalid port/.test(text), 'the port error in the form');
      expect(readFileSync(registry, 'utf8')).not.toContain('api =');
      tmux.keys('BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
      const after = tmux.capture();
      expect(after).not.toContain('Free ');
    },
  );

  it.each([80, 120])('the help bar shows the most used keys first (%i columns)', async (width) => {
    const registry = await registryDir();
    pm(registry, 'allocate', 'shop', 'web');
    const tmux = dashboard(registry, width, 24);
    const screen = await tmux.waitFor(
      (text) => /shop/.test(text) && /quit/.test(text),
      'the help bar',
    );
    const bar = screen.trimEnd().split('\n').at(-1) ?? '';
    for (const hint of ['Enter details', 'x stop', 'a allocate', 'free'])
      expect(bar).toContain(hint);
    if (width >= 120) for (const hint of ['c copy', 'b browser']) expect(bar).toContain(hint);
  });

  it.each([
    [20, 6],
    [40, 4],
  ])('"terminal too small" fits in %i columns', async (width, height) => {
    const registry = await registryDir();
    const tmux = dashboard(registry, width, height);
    const screen = await tmux.waitFor((text) => /small|need/.test(text), 'the too-small note');
    const line = screen.split('\n').find((text) => /small|need/.test(text)) ?? '';
    expect(line).not.toContain('…');
    expect(line).toMatch(/\d+×\d+/);
  });

  it.each([40, 80, 120])(
    'a sort other than by project indents no row (%i columns)',
    async (width) => {
      const registry = await registryDir();
      pm(registry, 'allocate', 'shop', 'web');
      pm(registry, 'allocate', 'blog', 'web');
      const project = join(registry, '..', 'feat');
      mkdirSync(project);
      // A worktree of shop, as pm up records one.
      const text = readFileSync(registry, 'utf8');
      const worktreePort = Number(pm(registry, 'query', 'blog', 'web')) + 1;
      writeFileSync(
        registry,
        `${text}\n[projects.shop-feat]\npath = "${project}"\nworktree_of = "shop"\n\n[projects.shop-feat.ports]\nweb = ${worktreePort}\n`,
      );
      const tmux = dashboard(registry, width, 24);
      const rowOf = (screen: string) =>
        screen.split('\n').find((line) => line.includes(` ${worktreePort} `)) ?? '';
      await tmux.waitFor((screen) => /^ {4}shop/.test(rowOf(screen)), 'the worktree indented');
      tmux.keys('o');
      // Sorted by port, the worktree's row follows unrelated rows: not indented.
      await tmux.waitFor((screen) => /^[› ] shop/.test(rowOf(screen)), 'the worktree unindented');
    },
  );

  it.each([40, 80, 120])(
    "suggest's Enter prefills the project from the row (%i columns)",
    async (width) => {
      const registry = await registryDir();
      const held = await listener();
      rangeAround(registry, held.ports[0] as number);
      pm(registry, 'allocate', 'shop', 'web');
      const tmux = dashboard(registry, width, 30);
      await tmux.waitFor((screen) => /shop/.test(screen), 'the table');
      tmux.keys('s');
      await tmux.waitFor((screen) => /Next free ports[\s\S]*› \d+/.test(screen), 'the suggestions');
      tmux.keys('Enter');
      const form = await tmux.waitFor((screen) => /project:/i.test(screen), 'the form');
      expect(form).toMatch(/project:\s*shop/i);
    },
  );

  it.each([40, 80, 120])(
    'the free question on an idle row offers no x (%i columns)',
    async (width) => {
      const registry = await registryDir();
      pm(registry, 'allocate', 'shop', 'web');
      const tmux = dashboard(registry, width, 30);
      await tmux.waitFor((screen) => /idle/.test(screen), 'the idle row');
      tmux.keys('f');
      const screen = await tmux.waitFor((text) => /Free shop\/web/.test(text), 'the question');
      expect(screen).not.toContain('stop process');
    },
  );

  it.each([
    ['SIGTERM', 40],
    ['SIGHUP', 80],
    ['SIGTERM', 120],
  ] as const)(
    'exiting on %s after a resize leaves the shell screen clean (%i columns)',
    async (signal, width) => {
      const registry = await registryDir();
      pm(registry, 'allocate', 'shop', 'web');
      const tmux = dashboard(registry, width, 24);
      await tmux.waitFor((screen) => /shop/.test(screen), 'the table');
      // Grown, and the signal right away, before pm has painted for the new size: tmux then
      // carries the alternate screen's first rows over to the shell's screen as pm leaves.
      execFileSync('tmux', [
        '-L',
        tmux.socket,
        'resize-window',
        '-t',
        'main',
        '-x',
        String(width + 40),
        '-y',
        '40',
      ]);
      process.kill(tmux.pidOf(CLI), signal);
      await tmux.waitForExit();
      await tmux.waitForDisplay('#{alternate_on}', '0');
      // No row of the dashboard on the shell screen: its title, header or table.
      expect(tmux.capture()).not.toMatch(/pm registry|scanner|PROJECT|shop/);
    },
  );
});
