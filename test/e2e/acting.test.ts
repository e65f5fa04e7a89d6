// Acting on a row in a real terminal (tmux), with the real scanner, the real process inspector
// and real signals, on a listener this test started (and only that one).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, type RunningChild, startNode } from '../helpers/child.js';
import { startSession, type TmuxSession } from './tmux.js';

const CLI = resolve('dist/cli.js');
const PROGRAM_UNSET = ['PM_SCANNER', 'PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR', 'TMUX'];

function pm(registry: string, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, '--registry', registry, ...args], {
    encoding: 'utf8',
    env: Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !PROGRAM_UNSET.includes(name)),
    ),
  }).trim();
}

const SERVER = `
const server = require('node:net').createServer();
server.listen({ host: '127.0.0.1', port: Number(process.argv[2]) }, () =>
  console.log(JSON.stringify(server.address().port)));
`;

describe('acting on a row in a real terminal', () => {
  let dir: string;
  let registry: string;
  let port: number;
  let server: RunningChild<number> | undefined;
  let session: TmuxSession | undefined;
  let script: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'node scripts/build.mjs' first`);
    dir = await mkdtemp(join(tmpdir(), 'pm-e2e-acting-'));
    registry = join(dir, 'registry.toml');
    script = join(dir, 'dev-server.js');
    await writeFile(script, SERVER);
    port = Number(pm(registry, 'allocate', 'acting', 'web'));
    server = await startNode<number>([script, String(port)], 10_000, dir);
    session = startSession({
      command: [process.execPath, CLI, '--registry', registry],
      width: 160,
      height: 40,
      env: { TERM: 'xterm-256color' },
      unset: PROGRAM_UNSET,
    });
  });

  afterAll(async () => {
    session?.kill();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows the real child's command line and working directory in the detail view", async () => {
    const tmux = session as TmuxSession;
    const pid = server?.pid as number;
    await tmux.waitFor(
      (text) => new RegExp(`acting\\s+web\\s+${port}\\s+active\\s+${pid}`).test(text),
      'the row active with the child pid',
    );
    tmux.keys('Enter');
    const screen = await tmux.waitFor(
      (text) => text.includes(`${script} ${port}`) && /cwd\s+\//.test(text),
      'the command line and cwd',
    );
    expect(screen).toMatch(new RegExp(`command\\s+\\S*node ${script} ${port}`));
    expect(screen).toMatch(new RegExp(`cwd\\s+${dir}`));
    expect(screen).toMatch(/state\s+active: /);
    expect(screen).toMatch(new RegExp(`sockets\\s+tcp 127\\.0\\.0\\.1:${port} LISTEN`));
    tmux.keys('Escape');
    await tmux.waitFor((text) => /PROJECT\s+SERVICE/.test(text), 'the table again');
  });

  it('stops the listener after y and the row turns idle', async () => {
    const tmux = session as TmuxSession;
    const pid = server?.pid as number;
    tmux.keys('x');
    await tmux.waitFor(
      (text) => new RegExp(`Stop .*pid ${pid}, on port ${port}(, [^?]*)?\\?`).test(text),
      'the y/n question naming pid and port',
    );
    expect(isAlive(pid)).toBe(true);
    tmux.keys('y');
    const screen = await tmux.waitFor(
      (text) => text.includes(`(pid ${pid}) on port ${port} with SIGTERM; port ${port} is free`),
      'the result in the message line',
    );
    expect(screen).toContain('stopped');
    await tmux.waitFor(
      (text) => new RegExp(`acting\\s+web\\s+${port}\\s+idle`).test(text),
      'the row idle',
    );
    expect(isAlive(pid)).toBe(false);
  });
});
