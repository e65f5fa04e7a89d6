// Must hold: registry.toml.bak only ever holds a registry that parsed; after corruption
// `pm doctor` explains and exits 1, and `pm doctor --restore` puts the last good registry back,
// keeping the corrupt file beside it as registry.toml.corrupt-<timestamp>.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocations } from '../../src/core/model/registry.js';
import { parseRegistry } from '../../src/core/store/registry-file.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { cleanEnv, requireBuild, runPm, sha256 } from './harness.js';

/** A path as a literal inside a RegExp (Windows paths are full of backslashes). */
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

const RANGE = '27400-27449';

function ports(path: string): string[] {
  const registry = parseRegistry(readFileSync(path, 'utf8'), path);
  return allocations(registry).map((a) => `${a.project}/${a.service}=${a.port}`);
}

describe('backup and restore', () => {
  const tempDir = tempDirPerTest('pm-backup-');
  beforeAll(requireBuild);

  it('keeps only good registries in .bak, explains corruption and restores the last good copy', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    const backup = `${path}.bak`;
    const env = cleanEnv(dir, { PM_SCANNER: 'none' });
    const pm = (...args: string[]) => runPm(['--registry', path, ...args], env);

    expect((await pm('config', '--range', RANGE)).code).toBe(0);
    const seen: string[] = [readFileSync(path, 'utf8')];
    for (const service of ['web', 'api', 'db', 'worker']) {
      const result = await pm('allocate', 'shop', service);
      expect(result.code, result.stderr).toBe(0);
      // After every change, the backup is exactly the registry just written, and it parses.
      seen.push(readFileSync(path, 'utf8'));
      expect(readFileSync(backup, 'utf8')).toBe(seen[seen.length - 1]);
      expect(() => parseRegistry(readFileSync(backup, 'utf8'), backup)).not.toThrow();
    }
    const lastGood = readFileSync(path, 'utf8');
    const goodBackup = sha256(backup);

    // A crash of some other tool, a bad hand edit: the registry is now half a file.
    const corrupt = lastGood.slice(0, lastGood.indexOf('[projects.shop.ports]') + 12);
    writeFileSync(path, corrupt);
    for (let i = 0; i < 3; i++) {
      const refused = await pm('allocate', 'blog', 'web');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`registry ${path}:`);
    }
    // Refused changes never promote the corrupt file into the backup.
    expect(sha256(backup)).toBe(goodBackup);

    const doctor = await pm('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(
      new RegExp(`FAIL registry +registry ${escapeRegExp(path)}:\\d+:\\d+ is invalid`),
    );
    expect(doctor.stdout).toContain("run 'pm doctor --restore' to put back the last good copy");
    expect(doctor.stdout).toMatch(/ok {3}backup/);
    expect(readFileSync(path, 'utf8')).toBe(corrupt); // doctor alone changes nothing

    const restore = await pm('doctor', '--restore');
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toContain(`restored ${path} from ${backup}`);
    // The last good copy is the registry as pm last wrote it: nothing is lost.
    expect(readFileSync(path, 'utf8')).toBe(lastGood);
    expect(ports(path)).toContainEqual(expect.stringMatching(/^shop\/worker=/));
    expect(ports(path)).toHaveLength(4);
    const kept = readdirSync(dir).filter((name) =>
      /^registry\.toml\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(name),
    );
    expect(kept).toHaveLength(1);
    expect(restore.stderr).toContain(kept[0]);
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toBe(corrupt);

    // pm works again, and the backup keeps tracking good registries only.
    const again = await pm('allocate', 'blog', 'web');
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(backup, 'utf8')).toBe(readFileSync(path, 'utf8'));
    const healthy = await pm('doctor', '--json');
    const report = JSON.parse(healthy.stdout) as { checks: { name: string; ok: boolean }[] };
    expect(report.checks.filter((check) => ['registry', 'backup'].includes(check.name))).toEqual([
      expect.objectContaining({ name: 'registry', ok: true }),
      expect.objectContaining({ name: 'backup', ok: true }),
    ]);
  });

  it('refuses to restore from a backup that does not parse', async () => {
    const dir = tempDir();
    const path = join(dir, 'registry.toml');
    writeFileSync(path, 'version = 1\n[projects.shop.ports]\nweb = \n');
    writeFileSync(`${path}.bak`, 'version = 1\n[projects.shop.ports]\nweb = "x"\n');
    const before = sha256(path);
    const result = await runPm(['--registry', path, 'doctor', '--restore'], cleanEnv(dir));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the backup is not usable either: .*projects\.shop\.ports\.web/);
    expect(sha256(path)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['registry.toml', 'registry.toml.bak']);
  });
});
