import { afterEach, describe, expect, it } from 'vitest';
import { findPort } from '../../../src/core/model/registry.js';
import { tcp } from '../../helpers/fakes.js';
import { type DashboardHarness, selectedLine, startDashboard } from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('suggesting with s', () => {
  it('lists the next free ports and allocates the highlighted one after asking its names', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [tcp(3001, 50, 'nginx')],
    });
    const { ui, registry } = harness;
    await ui.waitForText('3000');
    await ui.press('s');
    const list = await ui.waitForText('3006');
    // 3000 is allocated and 3001 is in use: neither is suggested.
    expect(list).toContain('› 3002');
    expect(list).not.toMatch(/^\s*›?\s*3001$/m);
    await ui.press('down');
    await ui.waitForText('› 3003');
    await ui.press('enter');
    await ui.waitForText('Allocate port 3003');
    // The project comes from the selected row, as with a: only the service is asked.
    await ui.type('api\r');
    await ui.waitForText('allocated shop/api: port 3003');
    const { registry: saved } = await registry.store.read();
    expect(findPort(saved, 'shop', 'api')).toBe(3003);
  });

  it('closes the list with Esc', async () => {
    harness = await startDashboard();
    const { ui } = harness;
    await ui.press('s');
    await ui.waitForText('Next free ports');
    await ui.press('escape');
    await ui.waitForFrame((frame) => !frame.includes('Next free ports'));
  });

  it('says so when the range has no free port', async () => {
    harness = await startDashboard({ deps: (deps) => ({ ...deps, probe: async () => false }) });
    const { ui } = harness;
    await ui.press('s');
    const frame = await ui.waitForText('no free port in 3000-9999');
    expect(frame).toContain('pm config --range');
    expect(frame).not.toContain('Next free ports');
  });
});

describe('filtering with /', () => {
  it('narrows the rows while typing, keeps the filter on Enter and clears it on Esc', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000, api: 3001 }, blog: { web: 3002 } },
    });
    const { ui } = harness;
    await ui.waitForText('3002');
    await ui.press('/');
    await ui.waitForText('type to filter');
    await ui.type('web');
    await ui.waitForFrame((frame) => !frame.includes('3001'));
    expect(ui.frame()).toMatch(/blog\s+web\s+3002/);
    expect(ui.frame()).toMatch(/shop\s+web\s+3000/);
    await ui.press('enter');
    const applied = await ui.waitForText('filter "web": 2 shown');
    expect(applied).not.toContain('type to filter');
    expect(applied).not.toContain('3001');
    // Navigation and actions work on the filtered rows.
    await ui.press('j');
    await ui.waitForFrame((frame) => /shop\s+web/.test(selectedLine(frame) ?? ''));
    await ui.press('/');
    await ui.press('escape');
    await ui.waitForText('3001');
    expect(ui.frame()).not.toContain('filter "');
  });

  it('matches any column, such as the process name', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000, api: 3001 } },
      scan: [tcp(3001, 80, 'uvicorn')],
    });
    const { ui } = harness;
    await ui.waitForText('uvicorn');
    await ui.press('/');
    await ui.type('UVI\r');
    await ui.waitForFrame((frame) => !/shop\s+web/.test(frame));
    expect(ui.frame()).toMatch(/shop\s+api\s+3001\s+active/);
  });

  it('says when nothing matches', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('/');
    await ui.type('zzz');
    await ui.waitForText('no rows match "zzz"');
  });
});

describe('Esc with a filter applied', () => {
  it('clears the filter first, and quits only when there is none', async () => {
    let code: number | undefined;
    harness = await startDashboard({
      projects: { shop: { web: 3000 }, blog: { api: 3001 } },
      onExitCode: (exit) => {
        code = exit;
      },
    });
    const { ui } = harness;
    await ui.waitForText('3001');
    await ui.type('/blog');
    await ui.press('enter');
    const filtered = await ui.waitForText('filter "blog": 1 shown');
    expect(filtered).toContain('Esc clear filter');
    expect(filtered).not.toContain('q/Esc quit');
    await ui.press('escape');
    const cleared = await ui.waitForFrame((frame) => !frame.includes('filter "blog"'));
    expect(cleared).toMatch(/shop\s+web\s+3000/);
    expect(cleared).toContain('q/Esc quit');
    expect(ui.listening()).toBe(true);
    expect(code).toBe(undefined);
    await ui.press('escape');
    await ui.waitForFrame(() => !ui.listening());
    expect(code).toBe(0);
  });
});
