// The built dashboard in a real terminal (tmux), against a temporary registry, the real
// socket scanner and a real listening process.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeldPorts, holdListeners } from '../helpers/listener.js';
import { startSession, type TmuxSession } from './tmux.js';

const CLI = resolve('dist/cli.js');
/** The real scanner, colours on, and nothing from the developer's own setup. */
const PROGRAM_UNSET = ['PM_SCANNER', 'PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR'];

function pm(registry: string, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, '--registry', registry, ...args], {
    encoding: 'utf8',
    env: Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !PROGRAM_UNSET.includes(name)),
    ),
  }).trim();
}

/** The built dashboard on a registry, in a terminal of the given size. */
function dashboardSession(registry: string, width: number, height: number): TmuxSession {
  return startSession({
    command: [process.execPath, CLI, '--registry', registry],
    width,
    height,
    env: { TERM: 'xterm-256color' },
    unset: PROGRAM_UNSET,
  });
}

const selected = (screen: string) => screen.split('\n').find((line) => line.startsWith('› '));

// POSIX only: tmux, the real terminal these tests drive, does not exist on Windows.
describe.skipIf(process.platform === 'win32')('the dashboard in a real terminal', () => {
  let dir: string;
  let registry: string;
  let server: HeldPorts | undefined;
  let session: TmuxSession | undefined;
  let port: number;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'node scripts/build.mjs' first`);
    dir = await mkdtemp(join(tmpdir(), 'pm-e2e-'));
    registry = join(dir, 'registry.toml');
    port = Number(pm(registry, 'allocate', 'e2e', 'web'));
    server = await holdListeners([{ host: '127.0.0.1', port }]);
    session = dashboardSession(registry, 120, 30);
  });

  afterAll(async () => {
    session?.kill();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the listener as active with its PID', async () => {
    // The refresh clock (top right) is drawn by the screen itself, in its own write just after
    // the frame: wait for both, or a capture can fall between the two.
    const screen = await (session as TmuxSession).waitFor(
      (text) =>
        new RegExp(`e2e\\s+web\\s+${port}\\s+active\\s+${server?.pid}\\s+node`).test(text) &&
        /refreshed \d\d:\d\d:\d\d$/.test(text.split('\n')[0] ?? ''),
      `e2e/web active with pid ${server?.pid}, and the refresh clock`,
    );
    expect(screen).toContain(registry);
    const backend = { linux: /linux-(netlink|procfs)/, darwin: /darwin/, win32: /win32/ }[
      process.platform as 'linux' | 'darwin' | 'win32'
    ];
    expect(screen).toMatch(new RegExp(`scanner ${backend?.source ?? '\\S+'} ·`));
    // The refresh clock, top right, drawn by the screen itself.
    expect(screen.split('\n')[0]).toMatch(/refreshed \d\d:\d\d:\d\d$/);
  });

  it('allocates through the form and writes the registry', async () => {
    const tmux = session as TmuxSession;
    tmux.keys('a');
    // The selected row's project (e2e) is prefilled; the cursor is on the service.
    await tmux.waitFor((text) => /project: e2e/.test(text) && /› service:/.test(text), 'the form');
    tmux.type('api');
    await tmux.waitFor((text) => text.includes('service: api'), 'the typed service');
    tmux.keys('Enter');
    await tmux.waitFor((text) => /› port:/.test(text), 'the port field');
    tmux.keys('Enter');
    const screen = await tmux.waitFor(
      (text) => /allocated e2e\/api: port \d+/.test(text),
      'the allocation message',
    );
    const allocated = Number(/allocated e2e\/api: port (\d+)/.exec(screen)?.[1]);
    expect(allocated).not.toBe(port);
    const file = await readFile(registry, 'utf8');
    expect(file).toContain(`api = ${allocated}`);
  });

  it('frees the selected allocation after y', async () => {
    const tmux = session as TmuxSession;
    // The new allocation is selected; make sure before freeing it.
    await tmux.waitFor((text) => /e2e\s+api/.test(selected(text) ?? ''), 'e2e/api selected');
    tmux.keys('f');
    await tmux.waitFor((text) => text.includes('Free e2e/api'), 'the free question');
    tmux.keys('y');
    await tmux.waitFor((text) => text.includes('freed e2e/api'), 'the freed message');
    const file = await readFile(registry, 'utf8');
    expect(file).not.toContain('api =');
    expect(file).toContain(`web = ${port}`);
  });

  it('quits on q with exit code 0 and gives the terminal back', async () => {
    const tmux = session as TmuxSession;
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
    // Back on the normal screen, cursor visible, and no dashboard left on it.
    await tmux.waitForDisplay('#{alternate_on} #{cursor_flag}', '0 1');
    const screen = tmux.capture();
    expect(screen).not.toContain('PROJECT');
    expect(screen).not.toContain('e2e');
  });
});

// POSIX only: tmux.
describe.skipIf(process.platform === 'win32')('the dashboard and the terminal window', () => {
  let dir: string;
  let session: TmuxSession | undefined;
  // Whatever pm hands out: another process (a developer's dev server) may hold 3000.
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-e2e-'));
    const registry = join(dir, 'registry.toml');
    port = Number(pm(registry, 'allocate', 'storefront-admin', 'web-frontend'));
    session = dashboardSession(registry, 120, 20);
  });

  afterAll(async () => {
    session?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('lays the table out again when the window is resized', async () => {
    const tmux = session as TmuxSession;
    await tmux.waitFor((text) => text.includes('ADDRESS'), 'the full table');
    execFileSync('tmux', ['-L', tmux.socket, 'resize-window', '-t', 'main', '-x', '50']);
    const narrow = await tmux.waitFor(
      (text) => !text.includes('ADDRESS') && new RegExp(`web-frontend\\s+${port}\\b`).test(text),
      'the narrow table',
    );
    for (const line of narrow.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
  });

  it('quits on Ctrl-C with exit code 130, as an interrupted command', async () => {
    const tmux = session as TmuxSession;
    tmux.keys('C-c');
    expect(await tmux.waitForExit()).toBe(130);
    await tmux.waitForDisplay('#{alternate_on} #{cursor_flag}', '0 1');
  });
});

// The table is painted before React and Ink have loaded; a key pressed as soon as it shows
// must still count (it waits in the terminal until Ink reads it).
describe('keys pressed as soon as the table appears', () => {
  let dir: string;
  let session: TmuxSession | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-e2e-'));
    const registry = join(dir, 'registry.toml');
    pm(registry, 'allocate', 'early', 'first');
    pm(registry, 'allocate', 'early', 'second');
    session = dashboardSession(registry, 100, 16);
  });

  afterAll(async () => {
    session?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('moves the selection with a key pressed the moment the first row shows', async () => {
    const tmux = session as TmuxSession;
    await tmux.waitFor((text) => /›\s+early\s+first/.test(text), 'the first frame');
    tmux.keys('j');
    await tmux.waitFor(
      (text) => /^›\s+early\s+second/m.test(text),
      'the selection on the second row',
    );
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
  });
});

// Finds the dashboard's pid through /proc, so this part runs on Linux only.
describe.skipIf(process.platform !== 'linux')('the dashboard and signals', () => {
  let dir: string;
  let session: TmuxSession | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-e2e-'));
    session = dashboardSession(join(dir, 'registry.toml'), 100, 20);
  });

  afterAll(async () => {
    session?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the terminal back when killed, with the exit code of the signal', async () => {
    const tmux = session as TmuxSession;
    await tmux.waitFor((text) => text.includes('no allocations yet'), 'the empty table');
    process.kill(tmux.pidOf(CLI), 'SIGTERM');
    expect(await tmux.waitForExit()).toBe(143);
    await tmux.waitForDisplay('#{alternate_on} #{cursor_flag}', '0 1');
  });
});
