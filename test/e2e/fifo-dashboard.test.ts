// The dashboard on a registry.toml that is a FIFO, in a real terminal: it shows why it cannot
// read the file, an allocation attempt fails with the same reason, and q and Ctrl-C still
// work. Before issue 9 the dashboard froze ("allocating..." forever, q and Ctrl-C dead).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSession, type TmuxSession } from './tmux.js';

const CLI = resolve('dist/cli.js');

describe.skipIf(process.platform === 'win32')('the dashboard on a FIFO registry', () => {
  let dir: string | undefined;
  let session: TmuxSession | undefined;

  afterEach(async () => {
    session?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<TmuxSession> {
    dir = await mkdtemp(join(tmpdir(), 'pm-e2e-fifo-'));
    const registry = join(dir, 'registry.toml');
    execFileSync('mkfifo', [registry]);
    session = startSession({
      command: [process.execPath, CLI, '--registry', registry],
      width: 140,
      height: 24,
      env: { TERM: 'xterm-256color', PM_SCANNER: 'none' },
      unset: ['PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR'],
    });
    await session.waitFor((screen) => screen.includes('is a FIFO'), 'the FIFO error');
    return session;
  }

  it('says what is wrong, refuses an allocation, and quits on q', async () => {
    const tmux = await start();
    tmux.keys('a');
    await tmux.waitFor((screen) => screen.includes('Allocate a port'), 'the form');
    tmux.type('shop');
    await tmux.waitFor((screen) => screen.includes('project: shop'), 'the project typed');
    tmux.keys('Enter');
    tmux.type('web');
    await tmux.waitFor((screen) => screen.includes('service: web'), 'the service typed');
    tmux.keys('Enter');
    await tmux.waitFor((screen) => screen.includes('› port'), 'the port field');
    tmux.keys('Enter');
    // The refusal leaves the form open (to fix the value) and keys wait while it submits, so
    // Escape is pressed, at most once a second, until the table's help bar is back.
    let lastEscape = 0;
    await tmux.waitFor((screen) => {
      if (screen.includes('a allocate')) return true;
      if (!screen.includes('allocating') && Date.now() - lastEscape > 1000) {
        lastEscape = Date.now();
        tmux.keys('Escape');
      }
      return false;
    }, 'the form closed after the refusal');
    expect(statSync(join(dir as string, 'registry.toml')).isFIFO()).toBe(true);
    tmux.keys('q');
    expect(await tmux.waitForExit()).toBe(0);
  });

  it('quits on Ctrl-C with exit code 130', async () => {
    const tmux = await start();
    tmux.keys('C-c');
    expect(await tmux.waitForExit()).toBe(130);
  });
});
