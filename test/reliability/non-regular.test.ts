// Must hold: a registry.toml that is not a regular file (a FIFO, a directory, a socket, a
// device) is refused promptly with a clear error and exit 1 by every command, and nothing is
// created or replaced. Before issue 9 a FIFO hung status, allocate and doctor forever, and
// free and config hung while holding the lock, locking every other pm out.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm } from './harness.js';

const COMMANDS: readonly (readonly string[])[] = [
  ['status'],
  ['allocate', 'shop', 'web'],
  ['free', 'shop', 'web'],
  ['config', '--range', '27500-27599'],
  ['doctor'],
];
/** Generous under load; a blocked command never finishes at all. */
const PROMPT_MS = 15_000;

describe.skipIf(process.platform === 'win32')('a registry that is not a regular file', () => {
  const tempDir = tempDirPerTest('pm-nonregular-');
  beforeAll(requireBuild);

  it('a FIFO: status, allocate, free, config and doctor refuse it promptly, exit 1', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    execFileSync('mkfifo', [path]);
    const env = cleanEnv(dir, { PM_SCANNER: 'none' });
    const slowest: number[] = [];
    for (const command of COMMANDS) {
      const result = await runPm(['--registry', path, ...command], env, PROMPT_MS);
      expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(1);
      // doctor reports on stdout, every other command on stderr
      expect(result.stdout + result.stderr).toContain(
        `${path} is a FIFO (named pipe), not a regular file`,
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
      slowest.push(result.ms);
    }
    // Nothing replaced the FIFO, and no lock was left behind.
    expect(lstatSync(path).isFIFO()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['registry.toml']);
    // doctor does not suggest a restore that would fail the same way.
    const doctor = await runPm(['--registry', path, 'doctor'], env, PROMPT_MS);
    expect(doctor.stdout + doctor.stderr).not.toContain('--restore');
    console.info(
      `[non-regular] FIFO refused by ${COMMANDS.length} commands; slowest ${Math.round(Math.max(...slowest))} ms`,
    );
  });

  it('a directory, a socket and a device are refused the same way', async () => {
    const dir = tempDir();
    const env = cleanEnv(dir, { PM_SCANNER: 'none' });
    const directory = join(dir, 'as-dir.toml');
    mkdirSync(directory);
    const socket = join(dir, 'as-socket.toml');
    const server = createServer();
    await new Promise<void>((done) => server.listen(socket, done));
    onTestFinished(() => {
      server.close();
    });
    const cases = [
      [directory, 'a directory'],
      [socket, 'a socket'],
      ['/dev/null', 'a device'],
    ] as const;
    for (const [path, kind] of cases) {
      for (const command of [['status'], ['allocate', 'shop', 'web']]) {
        const result = await runPm(['--registry', path, ...command], env, PROMPT_MS);
        expect(result.code, `${path} ${command.join(' ')}: ${result.stderr}`).toBe(1);
        expect(result.stderr).toContain(`${path} is ${kind}, not a regular file`);
      }
    }
    expect(existsSync(`${socket}.bak`)).toBe(false);
  });
});
