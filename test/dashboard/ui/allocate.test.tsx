import lockfile from 'proper-lockfile';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryStore } from '../../../src/core/store/registry-store.js';
import { tcp } from '../../helpers/fakes.js';
import { testStoreSystem } from '../../helpers/store-system.js';
import {
  type DashboardHarness,
  portOf as portOfIn,
  selectedLine,
  startDashboard,
} from '../helpers/dashboard.js';
import { registryToml } from '../helpers/fixtures.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const portOf = (project: string, service: string) =>
  portOfIn(harness as DashboardHarness, project, service);

describe('allocating with a', () => {
  it('asks project, service and port; a blank port takes the first free one', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('a');
    // The selected row's project is filled in; going back to it lets the user change it.
    await ui.waitForText('project: shop');
    await ui.press('shift-tab');
    for (let i = 0; i < 'shop'.length; i++) await ui.press('backspace');
    await ui.type('blog');
    await ui.waitForText('project: blog');
    await ui.press('enter');
    await ui.type('api');
    await ui.waitForText('service: api');
    await ui.press('enter');
    await ui.waitForText('blank = first free port');
    await ui.press('enter');
    const frame = await ui.waitForText('allocated blog/api: port 3001');
    expect(frame).not.toContain('Allocate a port');
    expect(await portOf('blog', 'api')).toBe(3001);
    // The new row appears and is selected.
    await ui.waitForFrame((current) => /blog\s+api\s+3001/.test(selectedLine(current) ?? ''));
  });

  it('allocates the port typed into the port field', async () => {
    harness = await startDashboard();
    const { ui } = harness;
    await ui.press('a');
    await ui.type('shop\rweb\r4321');
    await ui.waitForText('port:    4321');
    await ui.press('enter');
    await ui.waitForText('allocated shop/web: port 4321');
    expect(await portOf('shop', 'web')).toBe(4321);
  });

  it('refuses an invalid name in the form and lets the user correct it', async () => {
    harness = await startDashboard();
    const { ui } = harness;
    await ui.press('a');
    await ui.type('my shop');
    await ui.press('enter');
    const frame = await ui.waitForText("invalid project name: 'my shop'");
    expect(frame).toContain('Allocate a port');
    expect(frame).toContain('› project: my shop');
    for (let i = 0; i < 'my shop'.length; i++) await ui.press('backspace');
    await ui.waitForFrame((current) => /› project:\s+e\.g\. shop/.test(current));
    await ui.type('shop\rweb\r\r');
    await ui.waitForText('allocated shop/web: port 3000');
    expect(await portOf('shop', 'web')).toBe(3000);
  });

  it('shows the end of a project name longer than the line, where the user is typing', async () => {
    harness = await startDashboard({ columns: 40 });
    const { ui } = harness;
    await ui.press('a');
    const name = 'customer-portal-checkout-payments-refunds';
    await ui.type(name);
    const frame = await ui.waitForText('-refunds');
    const line = frame.split('\n').find((l) => l.includes('project:')) ?? '';
    // The start gives way (a cut end would hide what is being typed, and the cursor).
    expect(line).toMatch(/^› project: …[a-z-]+-payments-refunds\s*$/);
    expect(line.trimEnd().length).toBeLessThan(40);
    await ui.type('\rweb\r\r');
    await ui.waitForText('allocated');
    expect(await portOf(name, 'web')).toBeTypeOf('number');
  });

  it('refuses a port number out of range', async () => {
    harness = await startDashboard();
    const { ui } = harness;
    await ui.press('a');
    await ui.type('shop\rweb\r99999\r');
    await ui.waitForText("invalid port '99999'");
    expect(await portOf('shop', 'web')).toBe(undefined);
  });

  it('cancels with Esc without changing the registry', async () => {
    harness = await startDashboard();
    const { ui } = harness;
    await ui.press('a');
    await ui.type('shop');
    await ui.waitForText('project: shop');
    await ui.press('escape');
    await ui.waitForFrame((frame) => !frame.includes('Allocate a port'));
    expect(await portOf('shop', 'web')).toBe(undefined);
    expect(ui.frame()).toContain('no allocations yet');
  });

  it('shows why a taken port cannot be allocated, and keeps running', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('a');
    // The project is prefilled from the selected row (shop): only the service and port.
    await ui.waitForText('project: shop');
    await ui.type('blog\r3000\r');
    const frame = await ui.waitForText('port 3000 is already allocated to shop/web');
    // The form's words, not the CLI's; s in the form would type an s into the port field.
    expect(frame).toContain('clear the port to get a free one');
    expect(frame).not.toContain('press s for a free port');
    expect(frame).not.toContain('pm suggest');
    // The form stays open for another port; the dashboard still answers keys.
    expect(frame).toContain('Allocate a port');
    await ui.press('escape');
    await ui.waitForFrame((current) => !current.includes('Allocate a port'));
    await ui.press('r');
    expect(await portOf('blog', 'web')).toBe(undefined);
  });

  it('shows why a port something listens on cannot be allocated', async () => {
    harness = await startDashboard({ scan: [tcp(5000, 777, 'python3')] });
    const { ui } = harness;
    await ui.press('a');
    await ui.type('shop\rweb\r5000\r');
    await ui.waitForText('port 5000 is in use by python3 (pid 777)');
  });

  it('reports a registry it cannot write in the message line', async () => {
    harness = await startDashboard({
      registryText: 'version = 1\n[projects.shop.ports]\nweb = "x"\n',
      columns: 200,
    });
    const { ui } = harness;
    await ui.press('a');
    await ui.type('blog\rweb\r\r');
    const frame = await ui.waitForText('hint:');
    expect(frame).toMatch(/✗ registry .* at projects\.shop\.ports\.web is invalid/);
    expect(frame).toContain("hint: fix it by hand, or quit and run 'pm doctor --restore'");
    // The form stays open: the user can fix the file elsewhere and press Enter again.
    expect(frame).toContain('Allocate a port');
  });

  it('quotes a hand-edited registry key with escapes as text in the message line', async () => {
    harness = await startDashboard({
      registryText: 'version = 1\n[projects."\\u001b]0;KEY\\u0007".ports]\nweb = 28001\n',
      columns: 200,
    });
    const frame = await harness.ui.waitForText('is invalid');
    expect(frame).toContain('\\x1b]0;KEY\\x07');
  });

  it('reports a registry locked by another process, and keeps running', async () => {
    harness = await startDashboard({
      columns: 200,
      deps: (deps) => ({
        ...deps,
        store: new RegistryStore({
          ...testStoreSystem(),
          path: deps.store.path,
          lockTimeoutMs: 50,
        }),
      }),
    });
    const { ui, registry } = harness;
    await registry.write(registryToml({}));
    const release = await lockfile.lock(registry.path, {
      realpath: false,
      lockfilePath: `${registry.path}.lock`,
    });
    try {
      await ui.press('a');
      await ui.type('blog\rweb\r\r');
      const frame = await ui.waitForText('the registry is locked: ');
      expect(frame).toContain('Allocate a port');
    } finally {
      await release();
    }
    // Once the other process is done, Enter on the same form succeeds.
    await ui.press('enter');
    await ui.waitForText('allocated blog/web: port 3000');
  });
});
