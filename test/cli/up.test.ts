// pm up / pm prune / inference as a user runs them, real git worktrees: main() in-process,
// and the built CLI where separate processes are the point (two pm up at once).
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPmIn } from '../helpers/cli.js';
import { addWorktree, git, gitRepo } from '../helpers/git.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

// A range of its own, so this file never races other test files for ports.
const RANGE = '21300-21399';
const tempDirRaw = tempDirPerTest('pm-cli-up-');
const tempDir = () => realpathSync(tempDirRaw());
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const MANIFEST = `project = "shop"

[services.web]
env = "PORT"

[services.api]

[services.worker]
`;

async function setup(manifest = MANIFEST) {
  const root = tempDir();
  const registry = join(root, 'registry.toml');
  const pm = (cwd: string, ...args: string[]) =>
    runMain(['--registry', registry, ...args], { cwd });
  expect((await pm(root, 'config', '--range', RANGE)).code).toBe(0);
  const repo = gitRepo(join(root, 'shop'), { '.pm.toml': manifest });
  /** The built CLI as its own process. */
  const spawned = (cwd: string, ...args: string[]) =>
    runPmIn(cwd, ['--registry', registry, ...args]);
  return { root, registry, repo, pm, spawned };
}

interface UpJson {
  project: string;
  path: string;
  worktree_of: string | null;
  services: { service: string; port: number; env: string; created: boolean }[];
  undeclared: { service: string; port: number }[];
}

describe('pm up', () => {
  it('prints SERVICE PORT ENV, records the project, and changes nothing the second time', async () => {
    const { repo, pm, registry } = await setup();
    const first = await pm(repo, 'up');
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+PORT\s+ENV$/);
    expect(lines.slice(1).map((line) => line.replace(/\d+/, 'N'))).toEqual([
      expect.stringMatching(/^api\s+N\s+API_PORT$/),
      expect.stringMatching(/^web\s+N\s+PORT$/),
      expect.stringMatching(/^worker\s+N\s+WORKER_PORT$/),
    ]);
    expect(readFileSync(registry, 'utf8')).toContain(
      `[projects.shop]\npath = ${JSON.stringify(repo)}`,
    );
    const before = sha(registry);
    const again = await pm(join(repo), 'up');
    expect(again.stdout).toBe(first.stdout);
    expect(sha(registry)).toBe(before);
  });

  it('gives each git worktree its own ports; two pm up at once lose nothing', async () => {
    const { root, repo, pm, spawned } = await setup();
    const a = addWorktree(repo, join(root, 'shop-feat-a'), 'a');
    const b = addWorktree(repo, join(root, 'b'), 'b');
    const [ra, rb] = await Promise.all([spawned(a, 'up', '--json'), spawned(b, 'up', '--json')]);
    expect([ra.code, rb.code, ra.stderr, rb.stderr]).toEqual([0, 0, '', '']);
    const ja = JSON.parse(ra.stdout) as UpJson;
    const jb = JSON.parse(rb.stdout) as UpJson;
    expect([ja.project, ja.worktree_of, ja.path]).toEqual(['shop-feat-a', 'shop', a]);
    expect([jb.project, jb.worktree_of, jb.path]).toEqual(['shop-b', 'shop', b]);
    const main = JSON.parse((await pm(repo, 'up', '--json')).stdout) as UpJson;
    expect(main.worktree_of).toBeNull();
    const ports = [ja, jb, main].flatMap((result) => result.services.map((entry) => entry.port));
    expect(ports).toHaveLength(9);
    expect(new Set(ports).size).toBe(9);

    const status = JSON.parse((await pm(repo, 'status', '--json')).stdout) as {
      allocations: { project: string; service: string; port: number; worktree: string | null }[];
    };
    expect(status.allocations.map((row) => [row.project, row.worktree])).toEqual([
      ['shop', null],
      ['shop', null],
      ['shop', null],
      ['shop-b', 'shop'],
      ['shop-b', 'shop'],
      ['shop-b', 'shop'],
      ['shop-feat-a', 'shop'],
      ['shop-feat-a', 'shop'],
      ['shop-feat-a', 'shop'],
    ]);
    expect(status.allocations.map((row) => row.port).sort()).toEqual([...ports].sort());
  });

  it('infers the worktree project for allocate and keeps its name across runs', async () => {
    const { root, repo, pm } = await setup();
    const feat = addWorktree(repo, join(root, 'feat'), 'feat');
    const up = JSON.parse((await pm(feat, 'up', '--json')).stdout) as UpJson;
    const web = up.services.find((entry) => entry.service === 'web')!;
    const allocated = await pm(feat, 'allocate', 'web', '--json');
    expect(JSON.parse(allocated.stdout)).toMatchObject({
      project: 'shop-feat',
      port: web.port,
      created: false,
    });
    const extra = await pm(feat, 'allocate', 'cache', '--json');
    expect(JSON.parse(extra.stdout)).toMatchObject({ project: 'shop-feat', created: true });
  });

  it('reports a service dropped from the manifest, and frees it with --prune', async () => {
    const { repo, pm, registry } = await setup();
    await pm(repo, 'up');
    writeFileSync(join(repo, '.pm.toml'), 'project = "shop"\n[services.web]\n');
    const kept = await pm(repo, 'up');
    expect(kept.code).toBe(0);
    expect(kept.stderr).toMatch(/shop\/api \(port \d+\) is not declared in \.pm\.toml/);
    expect(readFileSync(registry, 'utf8')).toMatch(/api = \d+/);
    const pruned = await pm(repo, 'up', '--prune', '--json');
    expect((JSON.parse(pruned.stdout) as UpJson).undeclared.map((entry) => entry.service)).toEqual([
      'api',
      'worker',
    ]);
    expect(readFileSync(registry, 'utf8')).not.toMatch(/api = \d+/);
  });

  it('calls a service made outside the manifest "not declared", never "no longer in"', async () => {
    const { repo, pm } = await setup();
    await pm(repo, 'up');
    expect((await pm(repo, 'allocate', 'cache')).code).toBe(0);
    const again = await pm(repo, 'up');
    expect(again.stderr).toMatch(/note: shop\/cache \(port \d+\) is not declared in \.pm\.toml/);
    expect(again.stderr).not.toContain('no longer');
  });

  it('refuses a broken manifest with file:line:col, exit 1, registry untouched', async () => {
    const { repo, spawned: pm, registry } = await setup();
    const before = sha(registry);
    writeFileSync(join(repo, '.pm.toml'), '[services.web]\nprefer = 3000\n[services\n');
    const result = await pm(repo, 'up');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`manifest ${join(repo, '.pm.toml')}:3:`);
    expect(sha(registry)).toBe(before);
    const json = await pm(repo, 'up', '--json');
    expect(JSON.parse(json.stderr).error.code).toBe('MANIFEST_INVALID');
  });

  it('says how to declare services when there is no manifest', async () => {
    const { root, pm } = await setup();
    const result = await pm(root, 'up');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no \.pm\.toml in .* or any directory above it/);
  });

  it('refuses flags of other commands', async () => {
    const { repo, pm } = await setup();
    expect((await pm(repo, 'up', '--dry-run')).code).toBe(2);
    expect((await pm(repo, 'prune', '--prune')).code).toBe(2);
  });
});

describe('pm prune', () => {
  it('frees a removed worktree only after the dry run showed it', async () => {
    const { root, repo, pm, registry } = await setup();
    const feat = addWorktree(repo, join(root, 'feat'), 'feat');
    await pm(repo, 'up');
    await pm(feat, 'up');
    await pm(root, 'allocate', 'loose', 'web');
    git(repo, 'worktree', 'remove', feat);

    const before = sha(registry);
    const dry = await pm(root, 'prune', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^would free shop-feat\/api \(port \d+\): .*feat no longer exists$/m,
    );
    expect(dry.stderr).toContain('no directory recorded');
    expect(dry.stderr).toContain('loose');
    expect(sha(registry)).toBe(before);

    const done = JSON.parse((await pm(root, 'prune', '--json')).stdout) as {
      freed: { project: string; worktree_of: string | null }[];
      unrecorded: string[];
    };
    expect(done.freed).toEqual([
      expect.objectContaining({ project: 'shop-feat', worktree_of: 'shop' }),
    ]);
    expect(done.unrecorded).toEqual(['loose']);
    const text = readFileSync(registry, 'utf8');
    expect(text).not.toContain('shop-feat');
    expect(text).toContain('[projects.shop]');
  });
});

describe('commands that leave <project> out', () => {
  it('query and free act on the project of the working directory, worktrees included', async () => {
    const { root, repo, pm, registry } = await setup();
    const feat = addWorktree(repo, join(root, 'feat'), 'feat');
    await pm(repo, 'up');
    const featUp = JSON.parse((await pm(feat, 'up', '--json')).stdout) as UpJson;

    const listed = await pm(join(feat), 'query', '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject({
      project: 'shop-feat',
      services: featUp.services.map(({ service, port }) => ({ service, port })),
    });
    const freedWeb = await pm(feat, 'free', 'web', '--json');
    expect(JSON.parse(freedWeb.stdout).freed).toEqual([
      { project: 'shop-feat', service: 'web', port: featUp.services[1]?.port, listeners: [] },
    ]);
    const freedAll = await pm(feat, 'free', '--all', '--json');
    expect(
      JSON.parse(freedAll.stdout).freed.map((row: { service: string }) => row.service),
    ).toEqual(['api', 'worker']);
    // The main worktree's project is untouched.
    expect(readFileSync(registry, 'utf8')).toMatch(
      /\[projects\.shop\.ports\]\napi = \d+\nweb = \d+\nworker = \d+/,
    );
  });

  it('outside any project: exit 2 and how to declare one, registry untouched', async () => {
    const { root, pm, registry } = await setup();
    const before = sha(registry);
    for (const args of [['query'], ['free', '--all'], ['allocate', 'web']]) {
      const result = await pm(root, ...args, '--json');
      expect(result.code).toBe(2);
      const { error } = JSON.parse(result.stderr);
      expect(error.code).toBe('NO_PROJECT');
      expect(error.hint).toMatch(/declare it in a \.pm\.toml/);
    }
    const service = await pm(root, 'free', 'web');
    expect(service.code).toBe(2);
    expect(service.stderr).toMatch(/no service named to free of 'web'\nhint: .*pm free web --all/);
    expect(sha(registry)).toBe(before);
  });
});

describe('pm status with worktrees', () => {
  it('prints a worktree indented under its project, and says which project in text', async () => {
    const { root, repo, pm } = await setup('[services.web]\n');
    const feat = addWorktree(repo, join(root, 'feat'), 'feat');
    await pm(root, 'allocate', 'shop-admin', 'web');
    await pm(repo, 'up');
    const featUp = await pm(feat, 'up');
    expect(featUp.stderr).toContain(`project shop-feat (a worktree of shop) at ${feat}`);
    const table = (await pm(root, 'status')).stdout.trimEnd().split('\n');
    expect(table.slice(1).map((line) => line.replace(/\s+\d+\s+.*$/, ''))).toEqual([
      'shop         web',
      '  shop-feat  web',
      'shop-admin   web',
    ]);
  });
});
