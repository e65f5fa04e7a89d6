// A listener may name itself anything: its name reaches pm's output through the socket
// scanner. Here a real process renames itself to terminal escapes (a title change, a colour,
// a newline that would forge a row) and every output path must show them as text.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningChild, startChild } from '../helpers/child.js';
import { type RunResult, runPm } from '../helpers/cli.js';
import { startSession } from './tmux.js';

const CLI = resolve('dist/cli.js');
/** 15 bytes, the most /proc/<pid>/comm holds: an OSC title, a newline and a colour. */
const HOSTILE = '\u001b]0;PW\u0007\n\u001b[31mev';
const SHOWN = '\\x1b]0;PW\\x07\\n\\x1b';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const onLinux = process.platform === 'linux';

describe.runIf(onLinux)('a listener whose process name holds terminal escapes', () => {
  let dir: string;
  let registry: string;
  let listener: RunningChild<{ port: number }>;
  let port: number;
  let forced: RunResult;
  const pm = (...args: string[]) => runPm(['--registry', registry, ...args]);

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'node scripts/build.mjs' first`);
    dir = await mkdtemp(join(tmpdir(), 'pm-escapes-'));
    registry = join(dir, 'registry.toml');
    listener = await startChild(`
      require('node:fs').writeFileSync('/proc/self/comm', ${JSON.stringify(HOSTILE)});
      const server = require('node:net').createServer();
      server.listen({ host: '127.0.0.1', port: 0 }, () =>
        console.log(JSON.stringify({ port: server.address().port })));
    `);
    port = listener.report.port;
    forced = await pm('allocate', 'evil', 'web', '--port', String(port), '--force');
  });

  afterAll(async () => {
    await listener?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const expectShownEscaped = (text: string) => {
    expect(text).toContain(SHOWN);
    expect(text).not.toMatch(CONTROL_BUT_NEWLINE);
  };

  it('is shown escaped in the allocate --force warning', () => {
    expect(forced.code).toBe(0);
    expectShownEscaped(forced.stderr);
  });

  it('is shown escaped in pm status, without forging a row', async () => {
    const status = await pm('status');
    expect(status.code).toBe(0);
    expectShownEscaped(status.stdout);
    // The newline in the name did not start a line of its own: one title line, one row.
    expect(status.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('is shown escaped in pm --once', async () => {
    const once = await pm('--once');
    expect(once.code).toBe(0);
    expectShownEscaped(once.stdout);
  });

  it('is shown escaped in pm query :PORT; JSON keeps the exact name', async () => {
    const query = await pm('query', `:${port}`);
    expect(query.code).toBe(0);
    expectShownEscaped(query.stdout);
    const json = await pm('query', `:${port}`, '--json');
    expect(JSON.parse(json.stdout).listeners[0].process).toBe(HOSTILE);
  });

  it('is shown escaped in the dashboard, and the terminal title stays', async () => {
    const session = startSession({
      command: [process.execPath, CLI, '--registry', registry, '--all'],
      width: 140,
      height: 20,
      env: { TERM: 'xterm-256color' },
      unset: ['PM_SCANNER', 'PM_REGISTRY', 'NO_COLOR', 'FORCE_COLOR'],
    });
    try {
      const title = session.display('#{pane_title}');
      const screen = await session.waitFor((text) => text.includes('\\x1b]0;PW'), 'escaped name');
      expect(screen).toContain('\\x07\\n\\x1b');
      expect(session.display('#{pane_title}')).toBe(title);
      expect(session.display('#{pane_title}')).not.toContain('PW');
      session.keys('q');
      expect(await session.waitForExit()).toBe(0);
    } finally {
      session.kill();
    }
  });
});

describe('a hand-edited registry key holding terminal escapes', () => {
  let dir: string;
  let registry: string;
  const pm = (...args: string[]) => runPm(['--registry', registry, ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-escapes-'));
    registry = join(dir, 'registry.toml');
    await writeFile(
      registry,
      'version = 1\n\n[projects."\\u001b]0;KEY\\u0007".ports]\nweb = 28001\n',
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const KEY_SHOWN = '\\x1b]0;KEY\\x07';

  it('is quoted escaped in the error from pm status', async () => {
    const status = await pm('status');
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(KEY_SHOWN);
    expect(status.stderr).not.toMatch(CONTROL_BUT_NEWLINE);
  });

  it('is quoted escaped by pm doctor', async () => {
    const doctor = await pm('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout + doctor.stderr).toContain(KEY_SHOWN);
    expect(doctor.stdout + doctor.stderr).not.toMatch(CONTROL_BUT_NEWLINE);
  });

  it('keeps the exact key in the JSON error', async () => {
    const status = await pm('status', '--json');
    expect(JSON.parse(status.stderr).error.message).toContain('\u001b]0;KEY\u0007');
  });
});
