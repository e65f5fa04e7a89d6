// Must hold: on a machine with no config directory, concurrent first commands create it once
// (mode 0700) and all succeed with distinct ports; a symlinked config directory shares one lock
// (and one registry) with its real path; so does a registry.toml that is itself a symlink (as
// dotfiles managers make), which stays a symlink.
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocations } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm, tempFiles } from './harness.js';

// Auto-allocation stays inside the registry's range (default 3000-9999 on a first run), so the
// first-run case starts high in it to keep clear of common dev ports; the symlink case sets its
// own range first.
const FIRST_RUN_PREFER = '9300';
const SYMLINK_RANGE = '27600-27649';
const LINKED_FILE_RANGE = [27650, 27699] as const;

interface Allocated {
  readonly project: string;
  readonly service: string;
  readonly port: number;
  readonly created: boolean;
}

describe('first run and symlinked config directories', () => {
  const tempDir = tempDirPerTest('pm-first-');
  beforeAll(requireBuild);

  it('6 concurrent first allocations create the config directory once, 0700, distinct ports', async ({
    skip,
  }) => {
    skip(
      process.platform === 'win32',
      'POSIX only: file modes; XDG_CONFIG_HOME (Windows uses %APPDATA%)',
    );
    const root = tempDir();
    const home = join(root, 'home');
    mkdirSync(home);
    const env = cleanEnv(home, { XDG_CONFIG_HOME: join(root, 'cfg'), PM_SCANNER: 'none' });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        runPm(['allocate', 'app', `svc${i}`, '--prefer', FIRST_RUN_PREFER, '--json'], env),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const ports = results.map((result) => (JSON.parse(result.stdout) as Allocated).port);
    expect(new Set(ports).size).toBe(6);

    const dir = join(root, 'cfg', 'port-manager');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'registry.toml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(root).sort()).toEqual(['cfg', 'home']);
    expect(readdirSync(join(root, 'cfg'))).toEqual(['port-manager']);
    expect(tempFiles(dir)).toEqual([]);
    const path = join(dir, 'registry.toml');
    const registry = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(
      allocations(registry)
        .map((a) => a.port)
        .sort(),
    ).toEqual([...ports].sort());
  });

  it('4 processes via a symlink and 4 via the real path share one lock: 8 distinct entries', async ({
    skip,
  }) => {
    skip(
      process.platform === 'win32',
      'POSIX only: XDG_CONFIG_HOME; symlinks need elevation on Windows',
    );
    const root = tempDir();
    const real = join(root, 'real');
    const link = join(root, 'link');
    mkdirSync(real);
    symlinkSync(real, link, 'dir');
    const viaReal = cleanEnv(root, { XDG_CONFIG_HOME: real, PM_SCANNER: 'none' });
    const viaLink = cleanEnv(root, { XDG_CONFIG_HOME: link, PM_SCANNER: 'none' });
    expect((await runPm(['config', '--range', SYMLINK_RANGE], viaReal)).code).toBe(0);

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runPm(
          ['allocate', i % 2 === 0 ? 'via-link' : 'via-real', `svc${i}`, '--json'],
          i % 2 === 0 ? viaLink : viaReal,
        ),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const ports = results.map((result) => (JSON.parse(result.stdout) as Allocated).port);
    expect(new Set(ports).size).toBe(8);

    const path = join(real, 'port-manager', 'registry.toml');
    const registry = parseRegistry(readFileSync(path, 'utf8'), path);
    expect(allocations(registry)).toHaveLength(8);
    expect(
      allocations(registry)
        .map((a) => a.port)
        .sort(),
    ).toEqual([...ports].sort());
    // Both spellings of the path show the same registry.
    const status = await runPm(['status', '--json'], viaLink);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('via-real');
  });

  it('a registry.toml that is a symlink stays one; link and target share one lock', async ({
    skip,
  }) => {
    skip(process.platform === 'win32', 'POSIX only: symlinks need elevation on Windows');
    const root = tempDir();
    const target = join(root, 'dotfiles', 'pm-registry.toml');
    mkdirSync(join(root, 'dotfiles'));
    writeFileSync(
      target,
      `version = 1\n\n[defaults]\nrange_start = ${LINKED_FILE_RANGE[0]}\nrange_end = ${LINKED_FILE_RANGE[1]}\n`,
    );
    const configDir = join(root, 'cfg', 'port-manager');
    mkdirSync(configDir, { recursive: true });
    const link = join(configDir, 'registry.toml');
    symlinkSync(target, link);
    const viaLink = cleanEnv(root, { XDG_CONFIG_HOME: join(root, 'cfg'), PM_SCANNER: 'none' });
    const viaTarget = cleanEnv(root, { PM_REGISTRY: target, PM_SCANNER: 'none' });

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runPm(
          ['allocate', i % 2 === 0 ? 'via-link' : 'via-target', `svc${i}`, '--json'],
          i % 2 === 0 ? viaLink : viaTarget,
        ),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const ports = results.map((result) => (JSON.parse(result.stdout) as Allocated).port);
    expect(new Set(ports).size).toBe(8);

    // Writes replaced the target, not the link: the user's dotfiles still hold the registry.
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const registry = parseRegistry(readFileSync(target, 'utf8'), target);
    expect(
      allocations(registry)
        .map((a) => a.port)
        .sort(),
    ).toEqual([...ports].sort());
    // Lock, backup and temp files live beside the target; nothing is left beside the link.
    expect(readdirSync(configDir)).toEqual(['registry.toml']);
    expect(readdirSync(join(root, 'dotfiles')).sort()).toEqual([
      'pm-registry.toml',
      'pm-registry.toml.bak',
    ]);
    const doctor = await runPm(['doctor', '--json'], viaLink);
    const checks = (
      JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }
    ).checks;
    expect(checks.find((check) => check.name === 'backup')?.detail).toMatch(
      /holds the registry as pm last wrote it/,
    );
  });
});
