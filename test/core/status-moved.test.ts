import { describe, expect, it } from 'vitest';
import {
  emptyRegistry,
  type Registry,
  withAllocation,
  withProjectPath,
} from '../../src/core/registry.js';
import { statusRows } from '../../src/core/status.js';
import type { Listener } from '../../src/native/types.js';
import { rowCells } from '../../src/view/cells.js';
import { tcp } from '../helpers/fakes.js';

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
