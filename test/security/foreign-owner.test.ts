import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';
import { otherUser, skipReason } from './other-user.js';

// Issue 29 item 4: a .pm.toml another user left in a parent directory (/tmp/.pm.toml)
// governed every pm command below it. Like git's safe.directory, a manifest, .pm.local.toml
// or .git owned by someone else is ignored with a warning, and the upward search stops at
// the home directory, at another file system and where the directories' owner changes.

const tempDir = tempDirPerTest('pm-sec-owner-');
const PLANTED = 'project = "planted"\n[services.evil]\n';

function chownTo(path: string): void {
  if (otherUser) chownSync(path, otherUser.uid, otherUser.gid);
}

function registryText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe.skipIf(otherUser === undefined)(
  `files of another user (${skipReason || 'as root'})`,
  () => {
    it("ignores a parent directory's .pm.toml owned by another user, with a warning", async () => {
      const root = tempDir();
      const repo = hostileRepo(root, { 'work/.keep': '' });
      writeFileSync(join(repo.dir, '.pm.toml'), PLANTED);
      chownTo(join(repo.dir, '.pm.toml'));
      const result = await repo.pm(['up'], {}, join(repo.dir, 'work'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `ignoring ${join(repo.dir, '.pm.toml')}: it belongs to uid ${otherUser?.uid}`,
      );
      expect(registryText(repo.registry)).not.toContain('planted');
    });

    it("ignores a .pm.toml in a directory another user owns, even if the file is the user's", async () => {
      const root = tempDir();
      const repo = hostileRepo(root, { '.pm.toml': PLANTED });
      chownTo(repo.dir);
      const result = await repo.pm(['up']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('its directory belongs to uid');
      expect(registryText(repo.registry)).not.toContain('planted');
    });

    it("ignores another user's .pm.local.toml beside the user's own manifest", async () => {
      const repo = hostileRepo(tempDir(), {
        '.pm.toml': 'project = "mine"\n[services.web]\n',
        '.pm.local.toml': 'project = "planted"\n',
      });
      chownTo(join(repo.dir, '.pm.local.toml'));
      const result = await repo.pm(['up']);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`ignoring ${join(repo.dir, '.pm.local.toml')}`);
      expect(registryText(repo.registry)).toContain('mine');
      expect(registryText(repo.registry)).not.toContain('planted');
    });

    it("ignores another user's .git above the repository: the project is not renamed after it", async () => {
      const root = tempDir();
      const repo = hostileRepo(root, { 'inner/.pm.toml': '[services.web]\n' });
      // A planted .git in the parent makes `repo` the checkout, so the project would be `repo`.
      mkdirSync(join(repo.dir, '.git'));
      chownTo(join(repo.dir, '.git'));
      const result = await repo.pm(['up', '--json'], {}, join(repo.dir, 'inner'));
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`ignoring ${join(repo.dir, '.git')}`);
      expect(JSON.parse(result.stdout).project).toBe('inner');
    });

    it('stops the search where the owner of the directories changes', async () => {
      const root = tempDir();
      const repo = hostileRepo(root, { '.pm.toml': PLANTED, 'work/.keep': '' });
      // The parent belongs to another user; the file in it is (say, a hard link) the user's.
      chownTo(repo.dir);
      const result = await repo.pm(['up'], {}, join(repo.dir, 'work'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no .pm.toml');
      expect(registryText(repo.registry)).not.toContain('planted');
    });
  },
);

describe('the upward search', () => {
  it('stops at the home directory', async () => {
    const root = tempDir();
    const repo = hostileRepo(root, { '.pm.toml': PLANTED, 'home/proj/.keep': '' });
    const result = await repo.pm(
      ['up'],
      { HOME: join(repo.dir, 'home') },
      join(repo.dir, 'home', 'proj'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no .pm.toml');
    expect(registryText(repo.registry)).not.toContain('planted');
  });

  it.skipIf(process.getuid?.() !== 0)('stops at another file system (a mount point)', async () => {
    const root = tempDir();
    const repo = hostileRepo(root, { '.pm.toml': PLANTED });
    const mount = join(repo.dir, 'mnt');
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', 'none', mount], { stdio: 'ignore' });
    } catch {
      return; // a container without CAP_SYS_ADMIN: nothing to test here
    }
    try {
      mkdirSync(join(mount, 'proj'));
      const result = await repo.pm(['up'], {}, join(mount, 'proj'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no .pm.toml');
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
