import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocate, configure } from '../../../src/core/actions/index.js';
import { prune } from '../../../src/core/actions/prune.js';
import { type UpRequest, up } from '../../../src/core/actions/up.js';
import { inferProject } from '../../../src/core/project/inference.js';
import { failure } from '../../helpers/errors.js';
import { tcp, testDeps } from '../../helpers/fakes.js';
import { addWorktree, git, gitRepo } from '../../helpers/git.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDirRaw = tempDirPerTest('pm-up-');
const tempDir = () => realpathSync(tempDirRaw());

async function setup(options: Parameters<typeof testDeps>[1] = {}) {
  const path = join(tempDir(), 'registry.toml');
  const deps = testDeps(path, options);
  await configure(deps, { range: { start: 3000, end: 3009 } });
  return { path, deps };
}

const services = (...names: string[]): UpRequest['services'] =>
  names.map((service) => ({ service, env: `${service.toUpperCase()}_PORT` }));

describe('up', () => {
  it('allocates every service, records the path, and is idempotent without a write', async () => {
    const { deps, path } = await setup({ listeners: [tcp(3000, 7, 'node')] });
    const request = { project: 'shop', path: '/src/shop', services: services('api', 'web') };
    const first = await up(deps, request);
    expect(first.services).toEqual([
      { service: 'api', port: 3001, env: 'API_PORT', created: true },
      { service: 'web', port: 3002, env: 'WEB_PORT', created: true },
    ]);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('path = "/src/shop"');
    const again = await up(deps, request);
    expect(again.services.map((entry) => [entry.port, entry.created])).toEqual([
      [3001, false],
      [3002, false],
    ]);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('starts from a declared preferred port', async () => {
    const { deps } = await setup();
    const result = await up(deps, {
      project: 'shop',
      path: '/src/shop',
      services: [{ service: 'web', env: 'PORT', prefer: 3007 }],
    });
    expect(result.services[0]?.port).toBe(3007);
  });

  it('changes nothing when one service cannot get a port (all or nothing)', async () => {
    const { deps, path } = await setup({ busy: [3003, 3004, 3005, 3006, 3007, 3008, 3009] });
    await up(deps, { project: 'old', path: '/src/old', services: services('a') });
    const before = readFileSync(path, 'utf8');
    const error = await failure(
      up(deps, { project: 'shop', path: '/src/shop', services: services('a', 'b', 'c') }),
    );
    expect(error.code).toBe('RANGE_EXHAUSTED');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('reports services no longer declared, and frees them only when asked', async () => {
    const { deps, path } = await setup();
    await up(deps, { project: 'shop', path: '/src/shop', services: services('api', 'web') });
    const kept = await up(deps, { project: 'shop', path: '/src/shop', services: services('web') });
    expect(kept.undeclared).toEqual([{ service: 'api', port: 3000 }]);
    expect(readFileSync(path, 'utf8')).toContain('api = 3000');
    const pruned = await up(deps, {
      project: 'shop',
      path: '/src/shop',
      services: services('web'),
      prune: true,
    });
    expect(pruned).toMatchObject({ undeclared: [{ service: 'api', port: 3000 }], pruned: true });
    expect(readFileSync(path, 'utf8')).not.toContain('api = 3000');
  });

  it('records worktree_of for a worktree project', async () => {
    const { deps, path } = await setup();
    await up(deps, {
      project: 'shop-feat',
      path: '/src/shop-feat',
      worktreeOf: 'shop',
      services: services('web'),
    });
    expect(readFileSync(path, 'utf8')).toMatch(
      /\[projects\.shop-feat\]\npath = "\/src\/shop-feat"\nworktree_of = "shop"/,
    );
  });
});

describe('prune', () => {
  it('frees projects whose directory is gone; dry-run only lists them', async () => {
    const { deps, path } = await setup();
    const live = tempDir();
    await up(deps, { project: 'live', path: live, services: services('web') });
    await up(deps, { project: 'gone', path: join(live, 'deleted'), services: services('web') });
    await allocate(deps, { project: 'nopath', service: 'web' });
    const before = readFileSync(path, 'utf8');

    const preview = await prune(deps, { dryRun: true });
    expect(preview).toEqual({
      dryRun: true,
      gone: [
        {
          project: 'gone',
          path: join(live, 'deleted'),
          services: [{ service: 'web', port: 3001 }],
        },
      ],
      unrecorded: ['nopath'],
    });
    expect(readFileSync(path, 'utf8')).toBe(before);

    const done = await prune(deps);
    expect(done.gone.map((entry) => entry.project)).toEqual(['gone']);
    const after = readFileSync(path, 'utf8');
    expect(after).not.toContain('[projects.gone');
    expect(after).toContain('[projects.live');
    expect(after).toContain('[projects.nopath');
  });

  it('makes a removed git worktree prunable, and only that one', async () => {
    const { deps } = await setup();
    const root = tempDir();
    const repo = gitRepo(join(root, 'shop'), { '.pm.toml': '[services.web]\n' });
    const feat = addWorktree(repo, join(root, 'shop-feat'), 'feat');
    for (const dir of [repo, feat]) {
      const { registry } = await deps.store.read();
      const here = inferProject(registry, dir)!;
      await up(deps, {
        project: here.project,
        path: here.path,
        ...(here.worktreeOf ? { worktreeOf: here.worktreeOf } : {}),
        services: here.manifest!.services,
      });
    }
    expect((await prune(deps, { dryRun: true })).gone).toEqual([]);
    git(repo, 'worktree', 'remove', feat);
    const result = await prune(deps);
    expect(result.gone).toEqual([
      {
        project: 'shop-feat',
        path: feat,
        worktreeOf: 'shop',
        services: [{ service: 'web', port: 3001 }],
      },
    ]);
    const { registry } = await deps.store.read();
    expect([...registry.projects.keys()]).toEqual(['shop']);
  });
});

describe('up from a second checkout with the same project name', () => {
  it('records the new path and says where the project was before', async () => {
    const { deps } = await setup();
    await up(deps, { project: 'app', path: '/src/a/app', services: services('web') });
    const second = await up(deps, {
      project: 'app',
      path: '/src/b/app',
      services: services('web'),
    });
    expect(second.previousPath).toBe('/src/a/app');
    const { registry } = await deps.store.read();
    expect(registry.projects.get('app')?.path).toBe('/src/b/app');
    const third = await up(deps, { project: 'app', path: '/src/b/app', services: services('web') });
    expect(third.previousPath).toBeUndefined();
  });
});
