// `pm --once` in a real terminal: the table fits the terminal's width like the dashboard's,
// with the state in colour, and nothing wraps.
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

it('fits a narrow terminal: every row one line, ADDRESS and PROCESS give way first', async ({
  skip,
}) => {
  skip(process.platform === 'win32', 'POSIX only: tmux, the real terminal this test drives');
  dir = await mkdtemp(join(tmpdir(), 'pm-snapshot-'));
  const registry = join(dir, 'registry.toml');
  await runPm(['--registry', registry, 'config', '--range', '24000-24999']);
  // Read the port from pm: another process may hold the first port of any range.
  const port = (
    await runPm(['--registry', registry, 'allocate', 'a-rather-long-project-name', 'frontend'])
  ).stdout.trim();
  await runPm(['--registry', registry, 'allocate', 'shop', 'api']);
  session = startSession({
    command: [process.execPath, CLI, '--registry', registry, '--once'],
    width: 40,
    height: 10,
    env: { TERM: 'xterm-256color' },
    unset: ['NO_COLOR', 'PM_SCANNER'],
  });
  expect(await session.waitForExit()).toBe(0);
  const lines = session
    .capture()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^PROJECT\s+SERVICE\s+PORT\s+STATE/);
  expect(lines[0]).not.toContain('ADDRESS');
  expect(lines[1]).toMatch(new RegExp(`^a-rath\\S*…\\s+frontend\\s+${port}\\s+idle`));
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
  // The state is coloured on a terminal (dim for idle).
  const ESC = String.fromCharCode(27);
  expect(session.captureAnsi()).toContain(`${ESC}[2midle`);
});
