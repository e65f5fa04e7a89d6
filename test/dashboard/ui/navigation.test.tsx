import { afterEach, describe, expect, it } from 'vitest';
import { tcp } from '../../helpers/fakes.js';
import { type DashboardHarness, selectedLine, startDashboard } from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const services = (count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`svc${String(i).padStart(2, '0')}`, 4000 + i]),
  );

describe('the table', () => {
  it('shows every allocation with its live state, PID and process', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000, api: 3001 } },
      scan: [tcp(3000, 4242, 'node', '::')],
    });
    const frame = await harness.ui.waitForText('4242');
    expect(frame).toMatch(/PROJECT\s+SERVICE\s+PORT\s+STATE\s+PID\s+PROCESS\s+ADDRESS/);
    expect(frame).toMatch(/shop\s+web\s+3000\s+active\s+4242\s+node\s+::/);
    expect(frame).toMatch(/shop\s+api\s+3001\s+idle\s+-/);
    expect(frame).toContain(harness.registry.path);
    expect(frame).toContain('range 3000-9999');
    expect(frame).toContain('scanner fake');
    expect(frame).toContain('every 60 s');
  });

  it('invites a first allocation when the registry is empty', async () => {
    harness = await startDashboard();
    expect(await harness.ui.waitForText('no allocations yet')).toContain('press a');
  });
});

describe('moving the selection', () => {
  it('moves with arrows and j/k, and stops at the ends', async () => {
    harness = await startDashboard({ projects: { shop: { a: 3000, b: 3001, c: 3002 } } });
    const { ui } = harness;
    await ui.waitForText('3002');
    expect(selectedLine(ui.frame())).toMatch(/shop\s+a\s+3000/);
    await ui.press('down');
    await ui.waitForFrame((frame) => /shop\s+b/.test(selectedLine(frame) ?? ''));
    await ui.press('j');
    await ui.waitForFrame((frame) => /shop\s+c/.test(selectedLine(frame) ?? ''));
    await ui.press('j');
    await ui.press('k');
    await ui.waitForFrame((frame) => /shop\s+b/.test(selectedLine(frame) ?? ''));
    await ui.press('up');
    await ui.press('up');
    await ui.waitForFrame((frame) => /shop\s+a/.test(selectedLine(frame) ?? ''));
  });

  it('jumps with g/G and pages with PgUp/PgDn when the rows do not fit', async () => {
    harness = await startDashboard({ projects: { big: services(40) }, rows: 20 });
    const { ui } = harness;
    await ui.waitForText('svc00');
    // 20 lines: header 2, spacer, message 2, help bar: 14 for the table, less the column
    // titles and the page footer: 12 rows a page.
    expect(ui.frame()).toContain('rows 1-12 of 40');
    expect(ui.frame()).not.toContain('svc12');
    expect(ui.frame().split('\n').length).toBeLessThanOrEqual(20);
    await ui.press('pagedown');
    await ui.waitForFrame((frame) => /big\s+svc12/.test(selectedLine(frame) ?? ''));
    expect(ui.frame()).toContain('rows 13-24 of 40');
    await ui.press('G');
    await ui.waitForFrame((frame) => /big\s+svc39/.test(selectedLine(frame) ?? ''));
    // The last page is a full page that ends at the last row.
    expect(ui.frame()).toContain('rows 29-40 of 40');
    expect(ui.frame()).toMatch(/big\s+svc28\s/);
    await ui.press('pageup');
    await ui.waitForFrame((frame) => /big\s+svc27/.test(selectedLine(frame) ?? ''));
    await ui.press('g');
    await ui.waitForFrame((frame) => /big\s+svc00/.test(selectedLine(frame) ?? ''));
  });

  it('keeps the selection on the same allocation when rows are added above it', async () => {
    harness = await startDashboard({ projects: { shop: { a: 3000, m: 3001 } } });
    const { ui, registry } = harness;
    await ui.waitForText('3001');
    await ui.press('j');
    await ui.waitForFrame((frame) => /shop\s+m/.test(selectedLine(frame) ?? ''));
    await registry.write(
      '[projects.shop.ports]\na = 3000\nb = 3002\nc = 3003\nm = 3001\n'.replace(
        /^/,
        'version = 1\n\n',
      ),
    );
    await ui.waitForText('3003');
    expect(selectedLine(ui.frame())).toMatch(/shop\s+m\s+3001/);
  });
});
