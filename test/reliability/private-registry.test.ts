// Must hold: no test reaches the registry of the user running the suite, on any OS. On
// Windows pm's default is %APPDATA%, which the harness once forgot (it redirected only HOME),
// so a first-run test rewrote a real user's range. The spawn helpers now point every
// variable the default comes from into a temp dir, and refuse to run pm otherwise.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRegistryPath } from '../../src/cli/settings.js';
import { REAL_DEFAULT_REGISTRY, runCli, runPm as runPmWithDefaults } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm, sha256 } from './harness.js';

/** What the real default location looks like now: absent, or its bytes and modification time. */
function fingerprint(path: string): string {
  if (!existsSync(path)) return 'absent';
  return `${sha256(path)} ${statSync(path).mtimeMs}`;
}

describe('tests never touch the real registry', () => {
  const tempDir = tempDirPerTest('pm-private-');
  beforeAll(requireBuild);

  it('a pm run with no --registry under cleanEnv writes inside the temp home, on this OS', async () => {
    const home = tempDir();
    const env = cleanEnv(home, { PM_SCANNER: 'none' });
    const before = fingerprint(REAL_DEFAULT_REGISTRY);
    const expected = resolveRegistryPath(undefined, env);
    expect(expected.startsWith(home)).toBe(true);

    const result = await runPm(['allocate', 'guard', 'web', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(expected)).toBe(true);
    expect(readdirSync(join(expected, '..'))).toContain('registry.toml');
    expect(fingerprint(REAL_DEFAULT_REGISTRY)).toBe(before);
  });

  it('the default runPm helper gives pm a private home too', async () => {
    const result = await runPmWithDefaults(['doctor']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(join(tmpdir(), 'pm-test-home-'));
    expect(result.stdout).not.toContain(REAL_DEFAULT_REGISTRY);
  });

  it('refuses to spawn pm with an environment that resolves to the real registry', () => {
    const realEnv = { ...process.env, PM_REGISTRY: undefined };
    expect(() => runCli(['allocate', 'x', 'y'], realEnv)).toThrow(/real registry/);
    expect(() => runCli(['status', '--registry', REAL_DEFAULT_REGISTRY], {})).toThrow(
      /real registry/,
    );
    // Only HOME redirected was the Windows bug: %APPDATA% still pointed at the real one.
    if (process.platform === 'win32') {
      expect(() => runCli(['status'], { PATH: process.env.PATH, HOME: tempDir() })).toThrow(
        /real registry/,
      );
    }
  });
});
