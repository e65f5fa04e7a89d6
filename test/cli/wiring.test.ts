// Wiring services together (DESIGN §5g): URLs and prefixed names in `pm run`'s child and in
// `pm env`, the hash strategy on two "machines" (two private registries), and `pm status` of
// one project with its worktrees. Real registry files, real git worktrees, real processes.

import { readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashedPort } from '../../src/core/model/hash-port.js';
import { runPmIn } from '../helpers/cli.js';
import { addWorktree, gitRepo } from '../helpers/git.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const RANGE = { start: 28400, end: 28499 };
const tempDir = tempDirPerTest('pm-wiring-');

async function machine(dir: string, name = 'registry.toml') {
  const registry = join(dir, name);
  const pm = (cwd: string, ...args: string[]) =>
    runMain(['--registry', registry, ...args], { cwd });
  expect((await pm(dir, 'config', '--range', `${RANGE.start}-${RANGE.end}`)).code).toBe(0);
  return { registry, pm };
}

const MANIFEST = `project = "shop"
env_prefix = "VITE_"

[services.web]
env = "PORT"

[services.api]
env = "API_LISTEN_PORT"
url = "https://localhost:{port}/api"

[services.db]
env_prefix = ""
`;

describe('URLs and prefixes', () => {
  it("reach pm run's child: sibling URLs, prefixed copies and the siblings' manifest names", async () => {
    const dir = realpathSync(tempDir());
    const repo = gitRepo(join(dir, 'shop'), { '.pm.toml': MANIFEST });
    const { registry, pm } = await machine(dir);
    const up = JSON.parse((await pm(repo, 'up', '--json')).stdout) as {
      services: { service: string; port: number }[];
    };
    const port = Object.fromEntries(up.services.map((entry) => [entry.service, entry.port]));
    const printEnv = `console.log(JSON.stringify(process.env))`;
    const run = await runPmIn(repo, [
      '--registry',
      registry,
      'run',
      'web',
      '--',
      process.execPath,
      '-e',
      printEnv,
    ]);
    expect(run.code).toBe(0);
    const env = JSON.parse(run.stdout) as Record<string, string>;
    expect(env).toMatchObject({
      PORT: String(port.web),
      WEB_URL: `http://localhost:${port.web}`,
      API_PORT: String(port.api),
      API_URL: `https://localhost:${port.api}/api`,
      // A sibling's own name from the manifest (issue 30, item 8).
      API_LISTEN_PORT: String(port.api),
      VITE_API_URL: `https://localhost:${port.api}/api`,
      VITE_API_PORT: String(port.api),
      VITE_WEB_URL: `http://localhost:${port.web}`,
      DB_URL: `http://localhost:${port.db}`,
    });
    // db turned the file's prefix off.
    expect(env.VITE_DB_URL).toBeUndefined();
  });

  it('are in pm env in every format, and --write keeps the file byte-identical the second time', async () => {
    const dir = realpathSync(tempDir());
    const repo = gitRepo(join(dir, 'shop'), { '.pm.toml': MANIFEST });
    const { pm } = await machine(dir);
    expect((await pm(repo, 'up')).code).toBe(0);
    const dotenv = (await pm(repo, 'env')).stdout;
    const api = /^API_PORT=(\d+)$/m.exec(dotenv)?.[1];
    expect(dotenv).toContain(`API_URL=https://localhost:${api}/api\n`);
    expect(dotenv).toContain(`VITE_API_URL=https://localhost:${api}/api\n`);
    expect((await pm(repo, 'env', '--format', 'shell')).stdout).toContain(
      `export VITE_API_URL=https://localhost:${api}/api\n`,
    );
    const json = JSON.parse((await pm(repo, 'env', '--json')).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      API_PORT: Number(api),
      API_URL: `https://localhost:${api}/api`,
      VITE_API_PORT: Number(api),
    });
    const file = join(repo, '.env');
    writeFileSync(file, 'KEEP=1\n');
    expect((await pm(repo, 'env', '--write', '.env')).code).toBe(0);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain(`VITE_API_URL=https://localhost:${api}/api\n`);
    expect(written.startsWith('KEEP=1\n')).toBe(true);
    const mtime = statSync(file).mtimeMs;
    const again = await pm(repo, 'env', '--write', '.env');
    expect(again.stderr).toContain('not rewritten');
    expect(readFileSync(file, 'utf8')).toBe(written);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });
});

describe('strategy = "hash"', () => {
  const HASHED = 'project = "shop"\nstrategy = "hash"\n[services.web]\n[services.api]\n';

  it('gives the same ports on two machines with empty registries, a worktree its own', async () => {
    const dir = realpathSync(tempDir());
    const repo = gitRepo(join(dir, 'shop'), { '.pm.toml': HASHED });
    const feat = addWorktree(repo, join(dir, 'shop-feat'), 'feat');
    const ports = async (name: string, cwd: string) => {
      const { pm } = await machine(dir, name);
      const result = JSON.parse((await pm(cwd, 'up', '--json')).stdout) as {
        project: string;
        services: { service: string; port: number }[];
      };
      const byService = Object.fromEntries(result.services.map((s) => [s.service, s.port]));
      return { project: result.project, web: byService.web, api: byService.api };
    };
    const first = await ports('one.toml', repo);
    const second = await ports('two.toml', repo);
    expect(second).toEqual(first);
    expect(first).toEqual({
      project: 'shop',
      web: hashedPort('shop', 'web', RANGE),
      api: hashedPort('shop', 'api', RANGE),
    });
    const worktree = await ports('three.toml', feat);
    expect(worktree).toEqual({
      project: 'shop-feat',
      web: hashedPort('shop-feat', 'web', RANGE),
      api: hashedPort('shop-feat', 'api', RANGE),
    });
    // pm allocate and pm run in the checkout start from the hash too.
    const { pm } = await machine(dir, 'four.toml');
    expect((await pm(repo, 'allocate', 'web')).stdout.trim()).toBe(String(first.web));
    const five = await machine(dir, 'five.toml');
    const run = await runPmIn(repo, [
      '--registry',
      five.registry,
      'run',
      'api',
      '--',
      process.execPath,
      '-e',
      'console.log(process.env.PORT)',
    ]);
    expect(run.stdout.trim()).toBe(String(first.api));
  });

  it('falls through to the next free port when the hashed one is taken on this machine', async () => {
    const dir = realpathSync(tempDir());
    const repo = gitRepo(join(dir, 'shop'), { '.pm.toml': HASHED });
    const hashed = hashedPort('shop', 'web', RANGE);
    const holder = createServer();
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen(hashed, '127.0.0.1', resolve);
    });
    try {
      const { pm } = await machine(dir);
      const port = Number((await pm(repo, 'allocate', 'web')).stdout);
      expect(port).not.toBe(hashed);
      expect(port).toBeGreaterThan(hashed);
    } finally {
      await new Promise((done) => holder.close(done));
    }
  });
});

describe('pm status <project>', () => {
  it('shows one project with its worktrees, by name or as ".", in text and JSON', async () => {
    const dir = realpathSync(tempDir());
    const repo = gitRepo(join(dir, 'shop'), { '.pm.toml': '[services.web]\n' });
    const feat = addWorktree(repo, join(dir, 'shop-feat'), 'feat');
    const { pm } = await machine(dir);
    for (const cwd of [repo, feat]) expect((await pm(cwd, 'up')).code).toBe(0);
    expect((await pm(dir, 'allocate', 'blog', 'web')).code).toBe(0);
    const text = (await pm(dir, 'status', 'shop')).stdout;
    expect(text).toMatch(/^ *shop\s+web\s+\d+/m);
    expect(text).toMatch(/shop-feat\s+web\s+\d+/);
    expect(text).not.toContain('blog');
    // From inside the worktree, "." is the project the worktree belongs to.
    const json = JSON.parse((await pm(feat, 'status', '.', '--json')).stdout) as {
      project: string;
      allocations: { project: string; worktree: string | null }[];
    };
    expect(json.project).toBe('shop');
    expect(json.allocations.map((row) => [row.project, row.worktree])).toEqual([
      ['shop', null],
      ['shop-feat', 'shop'],
    ]);
    const missing = await pm(dir, 'status', 'nosuch');
    expect([missing.code, missing.stderr]).toEqual([
      1,
      expect.stringContaining("project 'nosuch' has no allocations"),
    ]);
    expect((await pm(dir, 'status', 'a', 'b')).code).toBe(2);
    expect((await pm(dir, 'status', 'bad.name')).code).toBe(2);
    const outside = await pm(dir, 'status', '.');
    expect([outside.code, outside.stderr]).toEqual([
      2,
      expect.stringContaining('pm status <project>'),
    ]);
  });
});
