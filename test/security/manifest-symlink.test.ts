import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 9: `.pm.toml -> /etc/shadow` printed the target's lines in the TOML error.
// A manifest is never read through a symlink that leaves its directory, and a refused
// file's content is never quoted.

const tempDir = tempDirPerTest('pm-sec-link-');
const SECRET = 'root:SECRET-HASH-7f3a:19000:0:99999:7:::\n';

describe('a manifest behind a symlink', () => {
  it.each(['.pm.toml', '.pm.local.toml'])(
    'refuses %s linking out of the repository, quoting nothing',
    async (name) => {
      const root = tempDir();
      const secret = join(root, 'shadow');
      writeFileSync(secret, SECRET, { mode: 0o600 });
      const repo = hostileRepo(root, name === '.pm.toml' ? {} : { '.pm.toml': '[services.web]\n' });
      symlinkSync(secret, join(repo.dir, name));
      const result = await repo.pm(['up']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('symbolic link');
      expect(result.stderr).toContain(secret);
      expect(result.stderr + result.stdout).not.toContain('SECRET-HASH');
      expect(result.stderr + result.stdout).not.toContain('19000');
    },
  );

  it('follows a link that stays inside the repository', async () => {
    const repo = hostileRepo(tempDir(), {
      'config/pm.toml': 'project = "linked"\n[services.web]\n',
    });
    symlinkSync(join('config', 'pm.toml'), join(repo.dir, '.pm.toml'));
    const result = await repo.pm(['up', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).project).toBe('linked');
  });
});
