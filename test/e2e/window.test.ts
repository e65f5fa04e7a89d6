// The dashboard and the terminal window: resizes and Ctrl-L repaint all of it, small windows
// keep what matters on screen.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bigRegistry,
  CLI,
  type Dashboard,
  selectedLine,
  startDashboardSession,
} from './pm-session.js';

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

describe('a small window', () => {
  const lines = (screen: string) => screen.split('\n');

  it('at 8 rows keeps the header, the column titles, the selection and help and quit', async () => {
    dashboard = await startDashboardSession(bigRegistry(40), 100, 8);
    const { tmux } = dashboard;
    const screen = await tmux.waitFor((text) => /svc000/.test(selectedLine(text) ?? ''), 'row');
    expect(lines(screen)[0]).toMatch(/^pm registry/);
    expect(screen).toContain('PROJECT');
    expect(screen).toMatch(/\? help\s+q\/Esc quit/);
    tmux.keys('G');
    const last = await tmux.waitFor((text) => /svc039/.test(selectedLine(text) ?? ''), 'G');
    expect(last).toContain('PROJECT');
  });

  it('at 12 rows with the form open keeps the header, the form and its keys', async () => {
    dashboard = await startDashboardSession(bigRegistry(40), 100, 12);
    const { tmux } = dashboard;
    await tmux.waitFor((text) => text.includes('svc000'), 'the table');
    tmux.keys('a');
    const screen = await tmux.waitFor((text) => text.includes('Allocate a port'), 'the form');
    expect(lines(screen)[0]).toMatch(/^pm registry/);
    expect(screen).toContain('PROJECT');
    // Prefilled from the selected row: the cursor starts on the service.
    expect(screen).toMatch(/project: big/);
    expect(screen).toMatch(/› service:/);
    expect(screen).toMatch(/port:/);
    expect(screen).toMatch(/Esc cancel/);
  });

  it('at 40 columns shortens the help bar but keeps help and quit', async () => {
    dashboard = await startDashboardSession(bigRegistry(3), 40, 20);
    const screen = await dashboard.tmux.waitFor((text) => text.includes('svc002'), 'the table');
    expect(screen).toMatch(/\? help\s+q\/Esc quit/);
  });

  it('below the minimum says how much it needs, and draws the table once there is room', async () => {
    dashboard = await startDashboardSession(bigRegistry(3), 100, 5);
    const { tmux } = dashboard;
    const screen = await tmux.waitFor((text) => text.includes('terminal too small'), 'the note');
    // That one line (and the refresh clock beside it) is all there is.
    const shown = screen.split('\n').filter((line) => line.trim() !== '');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^terminal too small \(needs 30×6\)/);
    dashboard.resize(100, 20);
    await tmux.waitFor((text) => text.includes('svc002') && !text.includes('too small'), 'table');
  });
});

describe('G on a long table', () => {
  it('shows a full last page', async () => {
    dashboard = await startDashboardSession(bigRegistry(300), 100, 30);
    const { tmux } = dashboard;
    await tmux.waitFor((text) => text.includes('svc000'), 'the table');
    tmux.keys('G');
    const screen = await tmux.waitFor((text) => /svc299/.test(selectedLine(text) ?? ''), 'G');
    const shown = screen.split('\n').filter((line) => /svc\d{3}/.test(line));
    const footer = /rows (\d+)-300 of 300/.exec(screen);
    expect(footer, screen).not.toBe(null);
    expect(shown.length).toBe(300 - Number(footer?.[1]) + 1);
    // As many rows as the first page had.
    tmux.keys('g');
    const first = await tmux.waitFor((text) => /svc000/.test(selectedLine(text) ?? ''), 'g');
    expect(first.split('\n').filter((line) => /svc\d{3}/.test(line)).length).toBe(shown.length);
  });
});

// Reads the process state from /proc, so Linux only.
describe.skipIf(process.platform !== 'linux')('Ctrl-Z', () => {
  const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];

  it('gives the terminal back and stops; on fg it takes the screen again', async () => {
    // Job control needs an interactive shell: pm is started from one, as a user would.
    dashboard = await startDashboardSession(bigRegistry(3), 80, 20, { fromShell: true });
    const { tmux } = dashboard;
    await tmux.waitFor((screen) => screen.includes('svc002'), 'the table');
    const pid = tmux.pidOf(CLI);
    tmux.keys('C-z');
    await tmux.waitForDisplay('#{alternate_on} #{cursor_flag}', '0 1');
    await until(() => stateOf(pid) === 'T', 'the dashboard stopped');
    await tmux.waitFor((screen) => /Stopped/.test(screen), "the shell's job report");
    tmux.type('fg');
    tmux.keys('Enter');
    await tmux.waitForDisplay('#{alternate_on}', '1');
    await tmux.waitFor((screen) => /svc000/.test(selectedLine(screen) ?? ''), 'the table again');
    // Keys arrive one by one again (raw mode is back): j moves without Enter.
    tmux.keys('j');
    await tmux.waitFor((screen) => /svc001/.test(selectedLine(screen) ?? ''), 'j after fg');
    tmux.keys('q');
    await tmux.waitForDisplay('#{alternate_on} #{cursor_flag}', '0 1');
    await until(() => !existsSync(`/proc/${pid}`), 'the dashboard to exit');
  });

  it('carries on where nothing could resume it (no job control)', async () => {
    dashboard = await startDashboardSession(bigRegistry(3), 80, 20);
    const { tmux } = dashboard;
    await tmux.waitFor((screen) => screen.includes('svc002'), 'the table');
    tmux.keys('C-z', 'j');
    await tmux.waitFor((screen) => /svc001/.test(selectedLine(screen) ?? ''), 'j after Ctrl-Z');
    await tmux.waitForDisplay('#{alternate_on}', '1');
    expect(await tmux.waitFor((text) => text.includes('PROJECT'), 'the table')).toContain('svc002');
  });
});

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
