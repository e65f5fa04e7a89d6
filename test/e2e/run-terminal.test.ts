// `pm run` in a real terminal: the command can read the keyboard (it is not stopped as a
// background process group would be), and one Ctrl-C reaches it exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runPm } from '../helpers/cli.js';
import { startSession, type TmuxSession } from './tmux.js';

const CLI = resolve('dist/cli.js');
let session: TmuxSession | undefined;
let dir: string | undefined;
afterEach(async () => {
  session?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Reads one line, then counts SIGINTs for a moment before exiting as Ctrl-C would.
const CHILD = `
  let count = 0;
  process.on('SIGINT', () => {
    if (count++ === 0) setTimeout(() => { console.log('sigints: ' + count); process.exit(130); }, 300);
  });
  process.stdin.once('data', (line) => console.log('got ' + String(line).trim()));
  console.log('ready on ' + process.env.PORT);
`;

it('lets the command read the terminal, and delivers one Ctrl-C once', async () => {
  dir = await mkdtemp(join(tmpdir(), 'pm-run-tty-'));
  const registry = join(dir, 'registry.toml');
  await runPm(['--registry', registry, 'config', '--range', '28250-28259']);
  session = startSession({
    command: [
      process.execPath,
      CLI,
      '--registry',
      registry,
      'run',
      'shop',
      'web',
      '--',
      process.execPath,
      '-e',
      CHILD,
    ],
    width: 80,
    height: 10,
    shellIgnoresInterrupt: true,
  });
  await session.waitFor((screen) => /ready on 2825\d/.test(screen), 'the command to start');
  session.type('hello');
  session.keys('Enter');
  await session.waitFor((screen) => screen.includes('got hello'), 'the command to read a line');
  session.keys('C-c');
  expect(await session.waitForExit()).toBe(130);
  expect(session.capture()).toContain('sigints: 1');
});
