import { afterEach, describe, expect, it } from 'vitest';
import { withoutService } from '../../../src/core/model/registry.js';
import { tcp } from '../../helpers/fakes.js';
import {
  type DashboardHarness,
  portOf as portOfIn,
  selectedLine,
  startDashboard,
} from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const portOf = (project: string, service: string) =>
  portOfIn(harness as DashboardHarness, project, service);

describe('freeing with f', () => {
  it('asks first, and y frees the selected allocation', async () => {
    harness = await startDashboard({ projects: { shop: { api: 3001, web: 3000 } } });
    const { ui } = harness;
    await ui.waitForText('3001');
    await ui.press('j');
    await ui.waitForFrame((frame) => /shop\s+web/.test(selectedLine(frame) ?? ''));
    await ui.press('f');
    await ui.waitForText('Free shop/web (port 3000)? y/n');
    expect(await portOf('shop', 'web')).toBe(3000);
    await ui.press('y');
    await ui.waitForText('freed shop/web (port 3000)');
    await ui.waitForFrame((frame) => !/shop\s+web\s+3000/.test(frame));
    expect(await portOf('shop', 'web')).toBe(undefined);
    expect(await portOf('shop', 'api')).toBe(3001);
    // The selection moves to a row that still exists.
    expect(selectedLine(ui.frame())).toMatch(/shop\s+api/);
  });

  it('keeps the allocation when the answer is n', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('f');
    await ui.waitForText('? y/n');
    await ui.press('n');
    await ui.waitForFrame((frame) => !frame.includes('y/n'));
    expect(ui.frame()).toMatch(/shop\s+web\s+3000/);
    expect(await portOf('shop', 'web')).toBe(3000);
  });

  it('also asks on Delete, and Esc answers no', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('delete');
    await ui.waitForText('Free shop/web (port 3000)? y/n');
    await ui.press('escape');
    await ui.waitForFrame((frame) => !frame.includes('y/n'));
    expect(await portOf('shop', 'web')).toBe(3000);
  });

  it('explains that an unmanaged listener is not something pm can free', async () => {
    harness = await startDashboard({ scan: [tcp(5555, 12, 'redis-server')] });
    const { ui } = harness;
    await ui.press('u');
    await ui.waitForText('5555');
    await ui.press('f');
    await ui.waitForText('port 5555 is not allocated, so there is nothing to free');
    expect(ui.frame()).not.toContain('y/n');
  });

  it('reports an allocation that was freed elsewhere meanwhile', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui, deps } = harness;
    await ui.waitForText('3000');
    await ui.press('f');
    await ui.waitForText('? y/n');
    // Someone else frees it while the question is open.
    await deps.store.transaction((registry) => ({
      registry: withoutService(registry, 'shop', 'web'),
      result: undefined,
    }));
    await ui.press('y');
    await ui.waitForText('shop/web is not allocated');
  });
});
