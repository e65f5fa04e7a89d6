// Several keys in one read (a paste, tmux send-keys, fast typing) act as the same keys typed
// one by one: in the table, the form, the filter and the free question.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DashboardHarness,
  portOf,
  selectedLine,
  startDashboard,
} from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('a burst of keys', () => {
  it('opens the form, fills it and submits it', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    await harness.ui.waitForText('3000');
    // `a` prefills the selected row's project and starts on the service field.
    await harness.ui.press('aapi\r4100\r');
    await harness.ui.waitForText('allocated shop/api: port 4100');
    expect(await portOf(harness, 'shop', 'api')).toBe(4100);
  });

  it('answers the free question in the same burst', async () => {
    harness = await startDashboard({ projects: { shop: { a: 3000, b: 3001 } } });
    await harness.ui.waitForText('3001');
    await harness.ui.press('jfy');
    await harness.ui.waitForText('freed shop/b');
    expect(await portOf(harness, 'shop', 'b')).toBe(undefined);
    expect(await portOf(harness, 'shop', 'a')).toBe(3000);
  });

  it('moves, then filters, with keys and Enter in one piece', async () => {
    harness = await startDashboard({ projects: { shop: { a: 3000, b: 3001, c: 3002 } } });
    await harness.ui.waitForText('3002');
    await harness.ui.press('jj');
    await harness.ui.waitForFrame((frame) => /shop\s+c/.test(selectedLine(frame) ?? ''));
    await harness.ui.press('/b\r');
    const frame = await harness.ui.waitForText('filter "b": 1 shown');
    expect(frame).not.toMatch(/shop\s+a\s/);
  });
});
