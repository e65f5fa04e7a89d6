import { afterEach, describe, expect, it } from 'vitest';
import { tcp } from '../../helpers/fakes.js';
import { testStoreSystem } from '../../helpers/store-system.js';
import { type DashboardHarness, startDashboard } from '../helpers/dashboard.js';
import { registryToml } from '../helpers/fixtures.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('live data', () => {
  it('shows store notes (a stale lock taken over) in the message area', async () => {
    const listeners = new Set<(text: string) => void>();
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      notices: {
        subscribe(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
    });
    const { ui } = harness;
    await ui.waitForFrame((frame) => /shop\s+web\s+3000/.test(frame));
    expect(listeners.size).toBe(1);
    for (const listener of listeners) listener('recovered a stale registry lock (x.lock)');
    await ui.waitForText('recovered a stale registry lock');
  });

  it('refreshes on r', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui, scanner } = harness;
    await ui.waitForFrame((frame) => /shop\s+web\s+3000\s+idle/.test(frame));
    scanner.set([tcp(3000, 31337, 'vite')]);
    await ui.press('r');
    await ui.waitForFrame((frame) => /shop\s+web\s+3000\s+active\s+31337\s+vite/.test(frame));
  });

  it('refreshes by itself every interval, one scan at a time', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      intervalMs: 5,
      scanLatencyMs: 15,
    });
    const { ui, scanner } = harness;
    await ui.waitForFrame((frame) => /3000\s+idle/.test(frame));
    scanner.set([tcp(3000, 4242, 'node')]);
    await ui.waitForText('4242');
    // Refresh requests during a scan are queued behind it, never run beside it.
    for (let i = 0; i < 5; i++) await ui.press('r');
    const seen = scanner.calls;
    await ui.waitForFrame(() => scanner.calls >= seen + 6);
    expect(scanner.maxConcurrent).toBe(1);
  });

  it('shows an allocation made by another process without a key press', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui, registry } = harness;
    await ui.waitForText('3000');
    // Another pm: its own store on the same file, writing by atomic rename.
    const { RegistryStore } = await import('../../../src/core/store/registry-store.js');
    const { withAllocation } = await import('../../../src/core/model/registry.js');
    const other = new RegistryStore({ ...testStoreSystem(), path: registry.path });
    await other.transaction((current) => ({
      registry: withAllocation(current, 'blog', 'api', 4500),
      result: undefined,
    }));
    // The refresh interval is a minute: only the directory watch can bring it in time.
    await ui.waitForFrame((frame) => /blog\s+api\s+4500/.test(frame));
  });

  it('keeps the last good rows and says why when the registry becomes corrupt', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    const { ui, registry } = harness;
    await ui.waitForText('3000');
    await registry.write('version = 1\n[projects.shop.ports\nweb = 3000\n');
    const frame = await ui.waitForText('showing the last good rows');
    expect(frame).toContain(registry.path);
    expect(frame).toContain('pm doctor');
    expect(frame).toMatch(/shop\s+web\s+3000/);
    // Fixing the file clears the error.
    await registry.write(registryToml({ shop: { web: 3000, api: 3001 } }));
    await ui.waitForText('3001');
    expect(ui.frame()).not.toContain('last good rows');
  });

  it('starts with a corrupt registry: no rows, and the reason', async () => {
    harness = await startDashboard({ registryText: '' });
    const frame = await harness.ui.waitForText('could not be read');
    expect(frame).toContain('hint:');
  });

  it('shows state unknown and why when the scanner is unavailable', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: { ok: false, reason: 'scanning is turned off (PM_SCANNER=none)' },
    });
    const frame = await harness.ui.waitForFrame((current) => /3000\s+unknown/.test(current));
    expect(frame).toContain('scanner fake (unavailable)');
    expect(frame).toContain('live state unknown: scanning is turned off (PM_SCANNER=none)');
    // Allocating still works, and its outcome is not hidden by the note.
    await harness.ui.press('a');
    await harness.ui.waitForText('project: shop');
    await harness.ui.type('blog\r\r');
    await harness.ui.waitForText('allocated shop/blog: port 3001');
  });

  it('does not re-render when a refresh finds nothing new', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [tcp(3000, 1, 'node')],
      intervalMs: 2,
    });
    const { ui, scanner } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    const framesBefore = ui.frameCount();
    const scansBefore = scanner.calls;
    await ui.waitForFrame(() => scanner.calls >= scansBefore + 20);
    expect(ui.frameCount()).toBe(framesBefore);
    // A real change does re-render.
    scanner.set([]);
    await ui.waitForFrame((frame) => /3000\s+idle/.test(frame));
  });

  it('reports every refresh, changed or not, without re-rendering', async () => {
    let refreshes = 0;
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      intervalMs: 2,
      onRefreshed: () => refreshes++,
    });
    const { ui } = harness;
    await ui.waitForText('3000');
    const frames = ui.frameCount();
    const seen = refreshes;
    await ui.waitForFrame(() => refreshes >= seen + 10);
    expect(ui.frameCount()).toBe(frames);
  });
});

describe('unmanaged listeners', () => {
  it('toggles listeners in the range that nobody allocated with u', async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [tcp(3000, 1, 'node'), tcp(5432, 77, 'postgres'), tcp(22, 5, 'sshd')],
    });
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    expect(ui.frame()).not.toContain('postgres');
    await ui.press('u');
    const shown = await ui.waitForText('postgres');
    expect(shown).toMatch(/-\s+-\s+5432\s+unmanaged\s+77\s+postgres/);
    expect(shown).toContain('unmanaged shown');
    // Outside the range: not pm's business.
    expect(shown).not.toContain('sshd');
    await ui.press('u');
    await ui.waitForFrame((frame) => !frame.includes('postgres'));
  });
});
