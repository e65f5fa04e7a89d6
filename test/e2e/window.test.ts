// The dashboard and the terminal window: resizes and Ctrl-L repaint all of it, small windows
// keep what matters on screen.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bigRegistry, type Dashboard, selectedLine, startDashboardSession } from './pm-session.js';

let dashboard: Dashboard | undefined;
afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

const count = (screen: string, pattern: RegExp) =>
  screen.split('\n').filter((line) => pattern.test(line)).length;

/** One header, one column title row, one help bar: nothing left over from an older frame. */
function expectOneFrame(screen: string): void {
  expect(count(screen, /^pm registr/), screen).toBe(1);
  expect(count(screen, /PROJECT/), screen).toBe(1);
  expect(count(screen, /\? help/), screen).toBe(1);
}

describe('a window that changes size', () => {
  it('leaves nothing of the wide frame behind when narrowed, even after keys and time', async () => {
    dashboard = await startDashboardSession(bigRegistry(5), 120, 30);
    const { tmux } = dashboard;
    await tmux.waitFor((screen) => screen.includes('ADDRESS'), 'the wide table');
    dashboard.resize(40, 30);
    const narrow = await tmux.waitFor(
      (screen) => !screen.includes('ADDRESS') && /\? help/.test(screen),
      'the narrow table',
    );
    expectOneFrame(narrow);
    tmux.keys('r');
    tmux.keys('j');
    const after = await tmux.waitFor((screen) => /svc001/.test(selectedLine(screen) ?? ''), 'j');
    expectOneFrame(after);
    dashboard.resize(120, 30);
    expectOneFrame(await tmux.waitFor((screen) => screen.includes('ADDRESS'), 'wide again'));
  });

  it('repaints everything on Ctrl-L', async () => {
    dashboard = await startDashboardSession(bigRegistry(3), 80, 20);
    const { tmux } = dashboard;
    await tmux.waitFor((screen) => screen.includes('svc002'), 'the table');
    // Something else scribbles on the terminal: a background job, a wall message.
    writeFileSync(tmux.display('#{pane_tty}'), '\u001b[2;1HSCRIBBLE\u001b[12;10HSCRIBBLE');
    await tmux.waitFor((screen) => screen.includes('SCRIBBLE'), 'the scribble');
    tmux.keys('C-l');
    const clean = await tmux.waitFor(
      (screen) => !screen.includes('SCRIBBLE') && screen.includes('svc002'),
      'a clean screen',
    );
    expectOneFrame(clean);
    expect(clean).toMatch(/svc002/);
  });
});
