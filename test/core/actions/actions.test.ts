import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  configure,
  free,
  projectPorts,
  queryPort,
  queryProject,
  status,
  suggest,
} from '../../../src/core/actions/index.js';
import { failure } from '../../helpers/errors.js';
import { tcp, testDeps, unavailable } from '../../helpers/fakes.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDir = tempDirPerTest();

async function setup(options: Parameters<typeof testDeps>[1] = {}) {
  const path = join(tempDir(), 'registry.toml');
  const deps = testDeps(path, options);
  await configure(deps, { range: { start: 3000, end: 3009 } });
  return { path, deps };
}

describe('allocate', () => {
  it('hands out the lowest free port and records it', async () => {
    const { deps, path } = await setup();
    const result = await allocate(deps, { project: 'shop', service: 'web' });
    expect(result).toMatchObject({ port: 3000, created: true });
    expect(readFileSync(path, 'utf8')).toContain('[projects.shop.ports]\nweb = 3000');
  });

  it('is idempotent: the same service gets the same port without a write', async () => {
    const { deps, path } = await setup();
    await allocate(deps, { project: 'shop', service: 'web' });
    const before = readFileSync(path, 'utf8');
    const again = await allocate(deps, { project: 'shop', service: 'web' });
    expect(again).toMatchObject({ port: 3000, created: false });
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('skips ports something listens on and ports the bind probe refuses', async () => {
    const { deps } = await setup({ listeners: [tcp(3000, 42, 'node')], busy: [3001] });
    expect((await allocate(deps, { project: 'shop', service: 'web' })).port).toBe(3002);
  });

  it('skips excluded ports', async () => {
    const { deps } = await setup();
    await configure(deps, { exclude: [3000, 3001] });
    expect((await allocate(deps, { project: 'shop', service: 'web' })).port).toBe(3002);
  });

  it('searches upward from --prefer', async () => {
    const { deps } = await setup();
    expect((await allocate(deps, { project: 'shop', service: 'web', prefer: 3005 })).port).toBe(
      3005,
    );
  });

  it('takes an explicit free port, even outside the range (with a warning)', async () => {
    const { deps } = await setup();
    const result = await allocate(deps, { project: 'shop', service: 'web', port: 4500 });
    expect(result.port).toBe(4500);
    expect(result.warnings.join()).toMatch(/outside the range 3000-3009/);
  });

  it('refuses an explicit port owned by another service, naming the owner', async () => {
    const { deps } = await setup();
    await allocate(deps, { project: 'shop', service: 'web', port: 3003 });
    const error = await failure(
      allocate(deps, { project: 'blog', service: 'web', port: 3003, force: true }),
    );
    expect(error.code).toBe('PORT_TAKEN');
    expect(error.message).toContain('shop/web');
    expect(error.remedies).toContainEqual({ kind: 'suggest' });
  });

  it('refuses an explicit port a process listens on, naming pid and process, unless --force', async () => {
    const { deps, path } = await setup({ listeners: [tcp(3004, 777, 'postgres')] });
    const error = await failure(allocate(deps, { project: 'shop', service: 'db', port: 3004 }));
    expect(error.code).toBe('PORT_IN_USE');
    expect(error.message).toContain('postgres (pid 777)');
    expect(readFileSync(path, 'utf8')).not.toContain('db =');
    const forced = await allocate(deps, {
      project: 'shop',
      service: 'db',
      port: 3004,
      force: true,
    });
    expect(forced.port).toBe(3004);
    expect(forced.warnings.join()).toContain('recorded anyway (forced)');
  });

  it('says once that a forced port is in use, even when both the scan and the probe see it', async () => {
    // Another user's listener: the scanner sees it (pid hidden) and the probe cannot bind.
    const { deps } = await setup({ listeners: [tcp(3005)], busy: [3005] });
    const forced = await allocate(deps, {
      project: 'shop',
      service: 'db',
      port: 3005,
      force: true,
    });
    expect(forced.warnings).toHaveLength(1);
    expect(forced.warnings[0]).toMatch(
      /^port 3005 is listened on by .*; recorded anyway \(forced\)$/,
    );
  });

  it('refuses an explicit port the bind probe cannot take when the scanner is blind', async () => {
    const { deps } = await setup({ scanner: unavailable(), busy: [3006] });
    const error = await failure(allocate(deps, { project: 'shop', service: 'web', port: 3006 }));
    expect(error.code).toBe('PORT_IN_USE');
    expect(error.message).toContain('scanner is unavailable');
  });

  it('still allocates when the scanner is unavailable, relying on the bind probe', async () => {
    const { deps } = await setup({ scanner: unavailable(), busy: [3000] });
    expect((await allocate(deps, { project: 'shop', service: 'web' })).port).toBe(3001);
  });

  it('reports an exhausted range', async () => {
    const { deps, path } = await setup({
      busy: [3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009],
    });
    const before = readFileSync(path, 'utf8');
    const error = await failure(allocate(deps, { project: 'shop', service: 'web' }));
    expect(error.code).toBe('RANGE_EXHAUSTED');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a service that already has another port when --port differs', async () => {
    const { deps } = await setup();
    await allocate(deps, { project: 'shop', service: 'web' });
    const error = await failure(allocate(deps, { project: 'shop', service: 'web', port: 3008 }));
    expect(error.message).toContain('already has port 3000');
  });

  it('rejects bad names before touching anything', async () => {
    const { deps, path } = await setup();
    const before = readFileSync(path, 'utf8');
    const error = await failure(allocate(deps, { project: 'my shop', service: 'web' }));
    expect(error.exitCode).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('leaves a corrupt registry byte-identical', async () => {
    const { deps, path } = await setup();
    writeFileSync(path, 'version = 1\n[projects.shop.ports]\nweb = \n');
    const error = await failure(allocate(deps, { project: 'shop', service: 'api' }));
    expect(error.code).toBe('REGISTRY_CORRUPT');
    expect(readFileSync(path, 'utf8')).toBe('version = 1\n[projects.shop.ports]\nweb = \n');
  });
});

describe('free', () => {
  it('frees one service, a whole project, or the owner of a port', async () => {
    const { deps } = await setup();
    for (const service of ['web', 'api', 'db']) await allocate(deps, { project: 'shop', service });
    await allocate(deps, { project: 'blog', service: 'web' });
    expect(await free(deps, { kind: 'service', project: 'shop', service: 'db' })).toEqual([
      { project: 'shop', service: 'db', port: 3002 },
    ]);
    expect(await free(deps, { kind: 'port', port: 3003 })).toEqual([
      { project: 'blog', service: 'web', port: 3003 },
    ]);
    expect((await free(deps, { kind: 'project', project: 'shop' })).map((a) => a.service)).toEqual([
      'api',
      'web',
    ]);
    expect((await status(deps)).rows).toEqual([]);
  });

  it('says what was not found', async () => {
    const { deps } = await setup();
    expect((await failure(free(deps, { kind: 'port', port: 3000 }))).message).toBe(
      'port 3000 is not allocated',
    );
    expect(
      (await failure(free(deps, { kind: 'service', project: 'shop', service: 'web' }))).code,
    ).toBe('NOT_FOUND');
    expect((await failure(free(deps, { kind: 'project', project: 'shop' }))).exitCode).toBe(1);
  });
});

describe('suggest, query, status', () => {
  it('suggests the next free ports without reserving them', async () => {
    const { deps } = await setup({ listeners: [tcp(3001, 5, 'x')] });
    await allocate(deps, { project: 'shop', service: 'web' });
    expect(await suggest(deps, 3)).toEqual([3002, 3003, 3004]);
    expect(await suggest(deps, 3)).toEqual([3002, 3003, 3004]);
  });

  it('answers who owns a port and who listens on it', async () => {
    const { deps } = await setup({ listeners: [tcp(3000, 99, 'vite')] });
    await allocate(deps, { project: 'shop', service: 'web', port: 3000, force: true });
    const answer = await queryPort(deps, 3000);
    expect(answer.owner).toMatchObject({ project: 'shop', service: 'web' });
    expect(answer.listeners.map((l) => l.pid)).toEqual([99]);
    await expect(queryProject(deps, 'blog')).rejects.toThrow("project 'blog' has no allocations");
  });

  it("lists a project's services in the registry file's order, which pm env follows too", async () => {
    const { deps } = await setup();
    for (const service of ['web', 'Web', 'api', 'x', 'API']) {
      await allocate(deps, { project: 'shop', service });
    }
    const order = ['API', 'Web', 'api', 'web', 'x'];
    expect((await projectPorts(deps, 'shop')).map((entry) => entry.service)).toEqual(order);
    expect((await queryProject(deps, 'shop')).services.map((entry) => entry.service)).toEqual(
      order,
    );
  });

  it('joins allocations with listeners into states', async () => {
    const { deps } = await setup({ listeners: [tcp(3000, 99, 'vite'), tcp(3007, 12, 'redis')] });
    await allocate(deps, { project: 'shop', service: 'web', port: 3000, force: true });
    await allocate(deps, { project: 'shop', service: 'api' });
    const view = await status(deps);
    expect(view.rows.map((row) => [row.service, row.port, row.state])).toEqual([
      ['api', 3001, 'idle'],
      ['web', 3000, 'active'],
    ]);
    expect(view.unmanaged.map((row) => row.port)).toEqual([3007]);
  });

  it('marks every state unknown when the scanner is unavailable', async () => {
    const { deps } = await setup({ scanner: unavailable('sandbox') });
    await allocate(deps, { project: 'shop', service: 'web' });
    const view = await status(deps);
    expect(view.rows.map((row) => row.state)).toEqual(['unknown']);
    expect(view.scanner).toEqual({ backend: 'none', available: false, reason: 'sandbox' });
  });
});
