import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocate, queryProject, statusView } from '../../../src/core/actions/index.js';
import {
  emptyRegistry,
  type Registry,
  withAllocation,
  withProjectPath,
} from '../../../src/core/model/registry.js';
import { statusRows } from '../../../src/core/model/status.js';
import type { Listener, ProcessTree } from '../../../src/core/ports.js';
import { rowCells } from '../../../src/view/cells.js';
import { fakeScanner, tcp, testDeps } from '../../helpers/fakes.js';

function shop(): Registry {
  let registry = withAllocation(emptyRegistry(), 'shop', 'web', 5173);
  registry = withAllocation(registry, 'shop', 'api', 4000);
  return registry;
}

const scan = (listeners: Listener[]) => ({ ok: true as const, listeners });
const web = (registry: Registry, listeners: Listener[], options = {}) =>
  statusRows(registry, scan(listeners), options).find((row) => row.service === 'web');

describe('the moved state', () => {
  const markers: Record<number, string> = { 20: 'shop/web', 21: 'shop/api' };
  const serviceOf = (pid: number) => markers[pid];

  it("is shown when the service's own process (by its pm run marker) listens elsewhere", () => {
    const row = web(shop(), [tcp(5174, 20, 'node')], { serviceOf });
    expect(row?.state).toBe('moved');
    expect(row?.moved?.port).toBe(5174);
    const cells = rowCells(row!);
    expect(cells.STATE).toBe('moved \u2192 5174');
    expect(cells.PID).toBe('20');
  });

  it('is not shown for another service, an unmarked process, or while the port is in use', () => {
    expect(web(shop(), [tcp(5174, 21, 'node')], { serviceOf })?.state).toBe('idle');
    expect(web(shop(), [tcp(5174, 30, 'node')], { serviceOf })?.state).toBe('idle');
    expect(web(shop(), [tcp(5174, 20), tcp(5173, 20)], { serviceOf })?.state).toBe('active');
    expect(web(shop(), [tcp(5174, 20, 'node')])?.state).toBe('idle');
  });

  it("falls back to the project's path when one service alone is idle", () => {
    const registry = withProjectPath(shop(), 'shop', '/src/shop');
    const cwdOf = (pid: number) => ({ 30: '/src/shop/web', 31: '/src/blog' })[pid];
    // api is active, so an unallocated listener inside the project can only be web.
    const listeners = [tcp(4000, 40), tcp(5174, 31), tcp(5175, 30)];
    const row = web(registry, listeners, { cwdOf });
    expect(row?.state).toBe('moved');
    expect(row?.moved?.port).toBe(5175);
    // With both services idle, the path cannot say which one moved.
    expect(web(registry, [tcp(5175, 30)], { cwdOf })?.state).toBe('idle');
  });
});

describe('the pm run marker and its registry', () => {
  const registryPath = join(tmpdir(), 'pm-moved', 'registry.toml');
  /** A process table of environments: pid -> variables. */
  function processes(envs: Record<number, Record<string, string>>): ProcessTree {
    return {
      descendants: (pid) => new Set([pid]),
      environmentValue: (pid, name) => envs[pid]?.[name],
    };
  }
  const view = (envs: Record<number, Record<string, string>>) =>
    statusView(
      { scanner: fakeScanner([]), processes: processes(envs), store: { path: registryPath } },
      shop(),
      scan([tcp(5174, 20, 'node')]),
    ).rows.find((row) => row.service === 'web');

  it('counts for this registry, or when the process names none (an older pm run)', () => {
    expect(view({ 20: { PM_SERVICE: 'shop/web', PM_REGISTRY: registryPath } })?.state).toBe(
      'moved',
    );
    expect(view({ 20: { PM_SERVICE: 'shop/web' } })?.state).toBe('moved');
  });

  it('does not count for a pm run against another registry with the same names', () => {
    const other = join(tmpdir(), 'pm-moved', 'other.toml');
    expect(view({ 20: { PM_SERVICE: 'shop/web', PM_REGISTRY: other } })?.state).toBe('idle');
  });

  it('costs pm query a second scan only when one of its own services is idle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-moved-'));
    try {
      // shop/web listens; 5174 is a listener no allocation owns, where blog/web could have moved.
      const scanner = fakeScanner([tcp(5173, 20, 'node'), tcp(5174, 21, 'node')]);
      const deps = {
        ...testDeps(join(dir, 'registry.toml'), { scanner }),
        processes: processes({}),
      };
      await allocate(deps, { project: 'shop', service: 'web', port: 5173, force: true });
      await allocate(deps, { project: 'blog', service: 'web', port: 5180 });
      const before = scanner.calls;
      await queryProject(deps, 'shop'); // blog is idle, shop is not
      expect(scanner.calls - before).toBe(1);
      await queryProject(deps, 'blog');
      expect(scanner.calls - before).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is read by pm query <project> too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-moved-'));
    try {
      const path = join(dir, 'registry.toml');
      const deps = {
        ...testDeps(path, { listeners: [tcp(5174, 20, 'node')] }),
        processes: processes({ 20: { PM_SERVICE: 'shop/web', PM_REGISTRY: path } }),
      };
      await allocate(deps, { project: 'shop', service: 'web', port: 5173 });
      const answer = await queryProject(deps, 'shop');
      expect(answer.services[0]).toMatchObject({ service: 'web', state: 'moved' });
      expect(answer.services[0]?.moved?.port).toBe(5174);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
