// The bin as a process: what only a real process shows. Everything else runs in-process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runPm, runPmIn } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();

it('exits 0 with the port as the only stdout, and the same port from another directory', async () => {
  const registry = join(tempDir(), 'registry.toml');
  expect((await runPm(['--registry', registry, 'config', '--range', '21100-21199'])).code).toBe(0);
  const first = await runPm(['--registry', registry, 'allocate', 'shop', 'web']);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toMatch(/^211\d\d\n$/);
  // A relative --registry is relative to the process's own directory.
  const again = await runPmIn(tempDir(), ['--registry', registry, 'allocate', 'shop', 'web']);
  expect(again.stdout).toBe(first.stdout);
  expect(readFileSync(registry, 'utf8')).toContain(`web = ${first.stdout.trim()}`);
});

it('exits 2 for a usage error and 1 for a failed operation, with JSON errors on stderr', async () => {
  const registry = join(tempDir(), 'registry.toml');
  const usage = await runPm(['--registry', registry, 'allocate', 'shop', 'web', '--prot', '1']);
  expect(usage).toMatchObject({ code: 2, stdout: '' });
  expect(usage.stderr).toBe(
    "pm: unknown flag '--prot'\nhint: run 'pm help' for every command and flag\n",
  );
  const failed = await runPm(['--registry', registry, 'free', 'shop', 'web', '--json']);
  expect(failed).toMatchObject({ code: 1, stdout: '' });
  expect(JSON.parse(failed.stderr).error.code).toBe('NOT_FOUND');
});

it('reads its environment: a bad PM_LOCK_STALE_MS is exit 2, not a Node warning', async () => {
  const registry = join(tempDir(), 'registry.toml');
  const result = await runPm(['--registry', registry, 'status'], { PM_LOCK_STALE_MS: '1e10' });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("invalid PM_LOCK_STALE_MS '1e10'");
  expect(result.stderr).not.toContain('TimeoutOverflowWarning');
});

it('prints help and the version', async () => {
  const help = await runPm(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('pm allocate <project> <service>');
  const version = await runPm(['--version']);
  expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
});
