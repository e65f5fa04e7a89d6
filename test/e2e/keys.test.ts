// Keys as a terminal delivers them: several at once (tmux send-keys, a paste, fast typing).
import { afterEach, describe, expect, it } from 'vitest';
import { bigRegistry, type Dashboard, selectedLine, startDashboardSession } from './pm-session.js';

let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

const selectedService = (screen: string) => /svc\d+/.exec(selectedLine(screen) ?? '')?.[0];

describe('keys that arrive together', () => {
  it('moves once per key in a burst, and a burst may open and fill the filter', async () => {
    dashboard = await startDashboardSession(bigRegistry(40), 100, 30);
    const { tmux } = dashboard;
    await tmux.waitFor((screen) => selectedService(screen) === 'svc000', 'the first row');
    tmux.keys('j', 'j');
    await tmux.waitFor((screen) => selectedService(screen) === 'svc002', 'two rows down');
    tmux.type('jjjjjjjjjjjjjjjjjjjjjjjjjjjjjj');
    await tmux.waitFor((screen) => selectedService(screen) === 'svc032', '30 more rows down');
    tmux.keys('g', 'k', 'j');
    await tmux.waitFor((screen) => selectedService(screen) === 'svc001', 'g, k, j');
    tmux.keys('Down', 'j', 'Down');
    await tmux.waitFor((screen) => selectedService(screen) === 'svc004', 'arrows in a burst');
    tmux.type('/svc03');
    tmux.keys('Enter');
    const filtered = await tmux.waitFor(
      (screen) => screen.includes('filter "svc03": 10 shown'),
      'the applied filter',
    );
    expect(filtered).not.toContain('svc004');
  });
});
