// Must hold (issue 9 item 5): a backup that cannot be written after the commit is a warning,
// not a failure; a registry its owner made read-only is refused, not replaced; a dangling
// registry.toml symlink is written through to its target; a registry directory others can
// write is warned about on every write and fails `pm doctor`; a symlink another user planted
// is not followed; a file far larger than any registry is refused before parsing; an
// unreadable registry's error names the file and its mode.
import {
  chmodSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withAllocation } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { MAX_REGISTRY_BYTES, RegistryStore } from '../../src/core/store/registry-store.js';
import { wordRemedies } from '../../src/view/remedies.js';
import { failure } from '../helpers/errors.js';
import { testStoreSystem } from '../helpers/store-system.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm, sha256 } from './harness.js';

const RANGE = 'version = 1\n\n[defaults]\nrange_start = 27600\nrange_end = 27649\n';
const posix = process.platform !== 'win32';
const root = process.getuid?.() === 0;

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected fault`), { code });
}

describe('smaller registry faults', () => {
  const tempDir = tempDirPerTest('pm-small-faults-');
  beforeAll(requireBuild);

  it('reports a committed change when only the backup could not be written (ENOSPC)', async () => {
    const path = join(tempDir(), 'registry.toml');
    writeFileSync(path, RANGE);
    const notices: string[] = [];
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      onNotice: (message) => notices.push(message),
      fs: {
        open: async (file, flags, mode) =>
          String(file).startsWith(`${path}.bak.`)
            ? Promise.reject(errno('ENOSPC'))
            : nodeFs.open(file, flags, mode),
      },
    });
    // The transaction resolves (no throw) although the backup failed; the file says it landed.
    await store.transaction((registry) => ({
      registry: withAllocation(registry, 'shop', 'web', 27600),
      result: undefined,
    }));
    expect(
      parseRegistry(readFileSync(path, 'utf8'), path).projects.get('shop')?.ports.get('web'),
    ).toBe(27600);
    expect(notices.join('\n')).toMatch(
      /the change was saved, but the backup .*registry\.toml\.bak could not be written/,
    );
  });

  it.skipIf(!posix)('refuses to replace a registry its owner made read-only (0400)', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, RANGE);
    chmodSync(path, 0o400);
    const before = sha256(path);
    const result = await runPm(
      ['--registry', path, 'allocate', 'shop', 'web'],
      cleanEnv(dir, { PM_SCANNER: 'none' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `registry ${path} is read-only (mode 0400); pm does not replace it`,
    );
    expect(result.stderr).toMatch(/chmod u\+w/);
    expect(sha256(path)).toBe(before);
    expect(statSync(path).mode & 0o777).toBe(0o400);
  });

  it.skipIf(!posix)('writes through a dangling registry.toml symlink to its target', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'dotfiles'));
    const path = join(dir, 'registry.toml');
    symlinkSync('dotfiles/pm-registry.toml', path);
    const result = await runPm(
      ['--registry', path, 'allocate', 'shop', 'web'],
      cleanEnv(dir, { PM_SCANNER: 'none' }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path)).toBe('dotfiles/pm-registry.toml');
    const target = join(dir, 'dotfiles', 'pm-registry.toml');
    expect(
      parseRegistry(readFileSync(target, 'utf8'), target).projects.get('shop')?.ports.get('web'),
    ).toBe(Number(result.stdout.trim()));
  });

  it.skipIf(!posix)(
    'warns on every write to a world-writable directory, and doctor fails',
    async () => {
      const dir = join(tempDir(), 'shared');
      mkdirSync(dir);
      chmodSync(dir, 0o777);
      const path = join(dir, 'registry.toml');
      const env = cleanEnv(dir, { PM_SCANNER: 'none' });
      for (const service of ['web', 'api']) {
        const result = await runPm(['--registry', path, 'allocate', 'shop', service], env);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(
          /warning: the registry directory .*shared can be written by every user \(mode 0777\)/,
        );
      }
      const doctor = await runPm(['--registry', path, 'doctor'], env);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(/FAIL directory .*can be written by every user/);
    },
  );

  it.skipIf(!root)('does not follow a registry symlink planted by another user', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'elsewhere.toml'), RANGE);
    const path = join(dir, 'registry.toml');
    symlinkSync('elsewhere.toml', path);
    lchownSync(path, 4242, 4242);
    const before = sha256(join(dir, 'elsewhere.toml'));
    const result = await runPm(
      ['--registry', path, 'allocate', 'shop', 'web'],
      cleanEnv(dir, { PM_SCANNER: 'none' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'is a symbolic link made by another user (user id 4242); pm does not follow it',
    );
    expect(sha256(join(dir, 'elsewhere.toml'))).toBe(before);
  });

  it('refuses a file above the size limit before parsing it', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, `${RANGE}# ${'x'.repeat(MAX_REGISTRY_BYTES)}\n`);
    const result = await runPm(
      ['--registry', path, 'status'],
      cleanEnv(dir, { PM_SCANNER: 'none' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /is 10\.0 MiB, more than the 10 MiB pm reads .*it was not parsed/,
    );
  });

  it('names the file and its mode when the registry cannot be read', async () => {
    const path = join(tempDir(), 'registry.toml');
    writeFileSync(path, RANGE);
    chmodSync(path, 0o000);
    // Root reads a mode-000 file anyway: the refusal an ordinary user gets is injected.
    const store = new RegistryStore({
      ...testStoreSystem(),
      path,
      fs: {
        open: async (file, flags, mode) =>
          file === path ? Promise.reject(errno('EACCES')) : nodeFs.open(file, flags, mode),
      },
    });
    const error = await failure(store.read());
    expect(error.message).toBe(`cannot read ${path}: permission denied (the file's mode is 0000)`);
    expect(wordRemedies(error.remedies, 'cli')).toContain(`chmod 600 ${path}`);
    const health = await store.inspect();
    expect(health.registry).toMatchObject({ state: 'invalid' });
  });
});
