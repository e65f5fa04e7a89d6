import { describe, expect, it } from 'vitest';
import { groupWorktrees, projectLabel } from '../../../src/core/model/grouping.js';
import {
  emptyRegistry,
  withAllocation,
  withProjectPath,
  withProjectPlace,
} from '../../../src/core/model/registry.js';
import { statusRows } from '../../../src/core/model/status.js';

describe('groupWorktrees', () => {
  it('puts each worktree right after its project, even when another name sorts between', () => {
    const rows = [
      { project: 'shop', service: 'api' },
      { project: 'shop', service: 'web' },
      { project: 'shop-admin', service: 'web' },
      { project: 'shop-feat', service: 'web', worktreeOf: 'shop' },
      { project: 'alpha-x', service: 'web', worktreeOf: 'zeta' },
      { project: 'shop-a', service: 'web', worktreeOf: 'shop' },
      { project: 'zeta', service: 'web' },
    ];
    expect(
      groupWorktrees(rows).map(
        (row) => `${projectLabel(row.project, row.worktreeOf)}/${row.service}`,
      ),
    ).toEqual([
      'shop/api',
      'shop/web',
      '  shop-a/web',
      '  shop-feat/web',
      'shop-admin/web',
      'zeta/web',
      '  alpha-x/web',
    ]);
  });

  it('places a worktree whose project has no rows where that project would sort', () => {
    const rows = [
      { project: 'b', service: 'x' },
      { project: 'a-wt', service: 'x', worktreeOf: 'c' },
      { project: 'd', service: 'x' },
    ];
    expect(groupWorktrees(rows).map((row) => row.project)).toEqual(['b', 'a-wt', 'd']);
  });
});

describe('statusRows', () => {
  it('carries worktree_of and orders worktrees under their project', () => {
    let registry = withProjectPath(emptyRegistry(), 'shop', '/src/shop');
    registry = withProjectPlace(registry, 'shop-feat', {
      path: '/src/shop-feat',
      worktreeOf: 'shop',
    });
    registry = withAllocation(registry, 'shop', 'web', 3000);
    registry = withAllocation(registry, 'shop-feat', 'web', 3001);
    registry = withAllocation(registry, 'shop-admin', 'web', 3002);
    const rows = statusRows(registry, { ok: true, listeners: [] });
    expect(rows.map((row) => [row.project, row.worktreeOf])).toEqual([
      ['shop', undefined],
      ['shop-feat', 'shop'],
      ['shop-admin', undefined],
    ]);
  });
});
