import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';
import { otherUser, skipReason } from './other-user.js';

// Issue 29 items 5-8 for `pm env --write`: a committed .env symlink led anywhere (~/.bashrc,
// the registry), concurrent writers and an appending editor lost lines, root made the user's
// file root's, and a FIFO or a device hung pm or filled the disk.

const tempDir = tempDirPerTest('pm-sec-envfile-');
const MANIFEST = 'project = "shop"\n[services.web]\n';

async function shop(extra: Record<string, string> = {}) {
  const root = tempDir();
  const repo = hostileRepo(root, { '.pm.toml': MANIFEST, ...extra });
  expect((await repo.pm(['up'])).code).toBe(0);
  return { root, repo };
}

describe('item 5: an env file behind a symlink', () => {
  it('refuses a link out of the project, naming the real target, and leaves it alone', async () => {
    const { root, repo } = await shop();
    const bashrc = join(root, 'bashrc');
    writeFileSync(bashrc, 'alias ls=ls\n');
    symlinkSync(bashrc, join(repo.dir, '.env'));
    const result = await repo.pm(['env', '--write', '.env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(bashrc);
    expect(result.stderr).toContain('outside');
    expect(readFileSync(bashrc, 'utf8')).toBe('alias ls=ls\n');
  });

  it.each(['', '.bak'])(
    'refuses a link to the registry%s, even inside the project',
    async (suffix) => {
      const { repo } = await shop();
      // pm up wrote the registry; a registry inside the checkout is the worst case.
      const registry = `${repo.registry}${suffix}`;
      const before = readFileSync(registry);
      symlinkSync(registry, join(repo.dir, '.env'));
      const result = await repo.pm(['env', '--write', '.env'], {}, repo.dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(registry);
      expect(readFileSync(registry)).toEqual(before);
      expect((await repo.pm(['query', 'shop'])).code).toBe(0);
    },
  );

  it('writes through a link inside the project; a dangling one creates its target', async () => {
    const { repo } = await shop({ 'config/real.env': 'A=1\n' });
    symlinkSync(join('config', 'real.env'), join(repo.dir, '.env'));
    symlinkSync(join('config', 'later.env'), join(repo.dir, 'other.env'));
    expect((await repo.pm(['env', '--write', '.env'])).code).toBe(0);
    expect(readFileSync(join(repo.dir, 'config', 'real.env'), 'utf8')).toMatch(
      /^A=1\n# >>> pm: shop >>>/,
    );
    expect(lstatSync(join(repo.dir, '.env')).isSymbolicLink()).toBe(true);
    expect((await repo.pm(['env', '--write', 'other.env'])).code).toBe(0);
    expect(readlinkSync(join(repo.dir, 'other.env'))).toBe(join('config', 'later.env'));
    expect(readFileSync(join(repo.dir, 'config', 'later.env'), 'utf8')).toContain('WEB_PORT=');
  });

  it('refuses a dangling link that points out of the project', async () => {
    const { root, repo } = await shop();
    const target = join(root, 'not-yet');
    symlinkSync(target, join(repo.dir, '.env'));
    const result = await repo.pm(['env', '--write', '.env']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(target);
    expect(() => statSync(target)).toThrow();
  });
});

describe('item 6: concurrent writers and an appending editor', () => {
  it('loses no block and no appended line', async () => {
    const root = tempDir();
    const repo = hostileRepo(root, {});
    const projects = ['p0', 'p1', 'p2', 'p3'];
    for (const p of projects) expect((await repo.pm(['allocate', p, 'web'])).code).toBe(0);
    const file = join(repo.dir, 'shared.env');
    writeFileSync(file, 'FIRST=1\n');
    // The editor: appends lines back to back, each open-append-close, until the writers are
    // done (at most 40000 lines, 0.6 MB, well inside pm's 4 MiB limit); it says how many it
    // wrote. A pm that re-read the file after every change would never get its write in.
    const appender = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); let i = 0, stop = false;
         process.stdin.on('data', () => { stop = true; }); process.stdin.resume();
         const next = () => {
           if (stop) { process.stdout.write(String(i)); process.exit(0); }
           if (i === 40000) return setTimeout(next, 10);
           fs.appendFileSync(${JSON.stringify(file)}, 'LINE_' + i++ + '=x\\n'); setImmediate(next);
         };
         next();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let written = '';
    appender.stdout.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const exited = new Promise((resolve) => appender.on('exit', resolve));
    for (let round = 0; round < 3; round++) {
      // Each round rewrites every block: a different port per round forces a real write.
      const results = await Promise.all(
        projects.map((p) => repo.pm(['env', p, '--write', file], {}, root)),
      );
      for (const r of results) expect(r.stderr).not.toContain('internal error');
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      await Promise.all(projects.map((p) => repo.pm(['free', p, 'web'], {}, root)));
      await Promise.all(projects.map((p) => repo.pm(['allocate', p, 'web'], {}, root)));
    }
    appender.stdin.end('stop');
    await exited;
    const lines = Number(written);
    expect(lines).toBeGreaterThan(0);
    await Promise.all(projects.map((p) => repo.pm(['env', p, '--write', file], {}, root)));
    const text = readFileSync(file, 'utf8');
    const seen = new Set(text.split('\n').filter((line) => line.startsWith('LINE_')));
    const lost = Array.from({ length: lines }, (_, i) => `LINE_${i}=x`).filter((l) => !seen.has(l));
    expect(lost).toEqual([]);
    for (const p of projects) expect(text).toContain(`# >>> pm: ${p} >>>`);
    expect(text.startsWith('FIRST=1\n')).toBe(true);
  }, 120_000);
});

describe.skipIf(otherUser === undefined)(
  `item 7: owners kept when pm runs as root (${skipReason || 'as root'})`,
  () => {
    it("keeps another user's .env, registry and backup theirs", async () => {
      const { repo } = await shop();
      const { uid, gid } = otherUser!;
      const file = join(repo.dir, '.env');
      writeFileSync(file, 'MINE=1\n', { mode: 0o640 });
      chownSync(file, uid, gid);
      chownSync(repo.registry, uid, gid);
      chownSync(`${repo.registry}.bak`, uid, gid);
      expect((await repo.pm(['env', '--write', '.env'])).code).toBe(0);
      expect(statSync(file)).toMatchObject({ uid, gid });
      expect(statSync(file).mode & 0o777).toBe(0o640);
      expect((await repo.pm(['allocate', 'shop', 'api'])).code).toBe(0);
      expect(statSync(repo.registry)).toMatchObject({ uid, gid });
      expect(statSync(`${repo.registry}.bak`)).toMatchObject({ uid, gid });
    });
  },
);

describe('item 8: an env file that is not a regular file', () => {
  it('refuses a FIFO at once instead of hanging', async () => {
    const { repo } = await shop();
    execFileSync('mkfifo', [join(repo.dir, '.env')]);
    const result = await repo.pm(['env', '--write', '.env'], {}, repo.dir, 10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a regular file');
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a device (/dev/zero made with mknod)', async () => {
    const { repo } = await shop();
    execFileSync('mknod', [join(repo.dir, '.env'), 'c', '1', '5']);
    const result = await repo.pm(['env', '--write', '.env'], {}, repo.dir, 10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a regular file');
  });

  it('refuses a file larger than the limit, unread', async () => {
    const { repo } = await shop();
    writeFileSync(join(repo.dir, '.env'), '');
    truncateSync(join(repo.dir, '.env'), 2 ** 31);
    const result = await repo.pm(['env', '--write', '.env'], {}, repo.dir, 10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('larger than');
    expect(statSync(join(repo.dir, '.env')).size).toBe(2 ** 31);
  });
});
