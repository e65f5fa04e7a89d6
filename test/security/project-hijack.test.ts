import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 10: a clone whose manifest says `project = "bank"` re-recorded bank's path;
// then the real checkout got NO_PROJECT and `pm free --all` in the clone freed bank's ports.

const tempDir = tempDirPerTest('pm-sec-hijack-');

describe('a manifest naming a project recorded at another path', () => {
  it('is refused, naming both paths, and leaves the real project alone', async () => {
    const root = tempDir();
    const bank = hostileRepo(root, { '.pm.toml': 'project = "bank"\n[services.web]\n' });
    expect((await bank.pm(['up'])).code).toBe(0);
    const before = readFileSync(bank.registry, 'utf8');
    const evil = join(root, 'evil');
    mkdirSync(evil);
    writeFileSync(join(evil, '.pm.toml'), 'project = "bank"\n[services.web]\n');
    for (const args of [['up'], ['free', '--all'], ['kill', 'web'], ['query']]) {
      const result = await bank.pm(args, {}, evil);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(bank.dir);
      expect(result.stderr).toContain(evil);
    }
    expect(readFileSync(bank.registry, 'utf8')).toBe(before);
    expect((await bank.pm(['query'])).code).toBe(0);
  });

  it('takes the project over when its recorded directory no longer exists (a moved checkout)', async () => {
    const root = tempDir();
    const old = hostileRepo(root, { '.pm.toml': 'project = "bank"\n[services.web]\n' });
    expect((await old.pm(['up'])).code).toBe(0);
    const moved = join(root, 'moved');
    mkdirSync(moved);
    writeFileSync(join(moved, '.pm.toml'), 'project = "bank"\n[services.web]\n');
    rmSync(old.dir, { recursive: true });
    expect((await old.pm(['up'], {}, moved)).code).toBe(0);
    expect(readFileSync(old.registry, 'utf8')).toContain(moved);
  });
});
