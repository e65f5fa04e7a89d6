import { afterEach, describe, expect, it } from 'vitest';
import { tcp } from '../../helpers/fakes.js';
import { type DashboardHarness, startDashboard } from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const longest = (frame: string) => Math.max(...frame.split('\n').map((line) => [...line].length));

describe('fitting the terminal', () => {
  const projects = { 'storefront-admin': { 'web-frontend': 3000, api: 3001 } };
  const scan = [
    tcp(3000, 123456, 'node-dev-server', '127.0.0.1'),
    tcp(3000, 123456, 'node-dev-server', '::1'),
  ];

  it('drops ADDRESS and PROCESS first on a narrow terminal, one line per row', async () => {
    harness = await startDashboard({ projects, scan, columns: 60 });
    const frame = await harness.ui.waitForText('123456');
    expect(longest(frame)).toBeLessThanOrEqual(60);
    expect(frame).not.toContain('ADDRESS');
    expect(frame).not.toContain('PROCESS');
    expect(frame).toMatch(/storefront-admin\s+web-frontend\s+3000\s+active\s+123456/);
  });

  it('shortens names with an ellipsis when even that is too wide', async () => {
    harness = await startDashboard({ projects, scan, columns: 40 });
    const frame = await harness.ui.waitForFrame((current) => /3000\s+active/.test(current));
    expect(longest(frame)).toBeLessThanOrEqual(40);
    expect(frame).toContain('…');
  });

  it('lays out again when the terminal is resized', async () => {
    harness = await startDashboard({ projects, scan, columns: 120 });
    const { ui } = harness;
    const wide = await ui.waitForText('123456');
    expect(wide).toContain('127.0.0.1, ::1');
    ui.resize(50, 24);
    const narrow = await ui.waitForFrame((frame) => !frame.includes('ADDRESS'));
    expect(longest(narrow)).toBeLessThanOrEqual(50);
    expect(narrow).toMatch(/3000\s+active/);
    ui.resize(120, 12);
    const short = await ui.waitForText('127.0.0.1, ::1');
    expect(short.split('\n').length).toBeLessThanOrEqual(12);
  });

  it('fills the terminal and never grows past it, whatever panel is open', async () => {
    harness = await startDashboard({ projects, scan, rows: 15 });
    const { ui } = harness;
    const table = await ui.waitForText('123456');
    expect(table.split('\n').length).toBe(15);
    await ui.press('s');
    const suggest = await ui.waitForText('3005');
    expect(suggest.split('\n').length).toBe(15);
  });
});

describe('help and quitting', () => {
  it('opens the help screen with ? (generated from the keymap) and closes it with ?', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } }, rows: 60 });
    const { ui } = harness;
    await ui.waitForText('3000');
    // Most used first: the selected row's actions, then suggest and the rest.
    expect(ui.frame()).toMatch(/Enter details\s+a allocate\s+f\/Del free\s+x stop process/);
    await ui.press('?');
    const help = await ui.waitForText('show or hide listeners in the range');
    expect(help).toContain('Free confirmation');
    expect(help).toMatch(/f\/Del\s+free the selected allocation/);
    expect(help).not.toMatch(/shop\s+web\s+3000/);
    expect(help).toMatch(/\?\/q\/Esc close/);
    await ui.press('?');
    await ui.waitForFrame((frame) => /shop\s+web\s+3000/.test(frame));
  });

  it('scrolls the help on a short terminal', async () => {
    harness = await startDashboard({ rows: 20 });
    const { ui } = harness;
    await ui.press('?');
    const top = await ui.waitForText('lines 1-');
    expect(top).not.toContain('close help');
    await ui.press('G');
    // The last page: its footer ends at the last line of the help.
    await ui.waitForFrame((frame) => /lines \d+-(\d+) of \1 /.test(frame));
    await ui.press('escape');
    await ui.waitForText('no allocations yet');
  });

  const quits = (keys: readonly string[], label: string, code: number) =>
    it(`quits with ${label}, exit code ${code}`, async () => {
      const codes: number[] = [];
      harness = await startDashboard({
        projects: { shop: { web: 3000 } },
        onExitCode: (exitCode) => codes.push(exitCode),
      });
      const { ui } = harness;
      await ui.waitForText('3000');
      for (const key of keys) await ui.press(key);
      // Ink lets go of the keyboard once the app has exited.
      await ui.waitForFrame(() => !ui.listening());
      expect(codes).toEqual([code]);
    });
  quits(['q'], 'q', 0);
  quits(['escape'], 'Esc', 0);
  quits(['ctrl-c'], 'Ctrl-C', 130);
  quits(['a', 'ctrl-c'], 'Ctrl-C from inside the allocate form', 130);

  it('does not quit on q while typing in the form', async () => {
    harness = await startDashboard();
    const { ui } = harness;
    await ui.press('a');
    await ui.type('q');
    await ui.waitForText('project: q');
    expect(ui.listening()).toBe(true);
  });
});

describe('the PROCESS cell', () => {
  it('names the program and its interpreter, never the whole command line', async () => {
    const vite = {
      ...tcp(3000, 4242, 'node', '127.0.0.1'),
      command: ['node', '/home/ana/shop/node_modules/.bin/vite', '--port', '3000', '--strictPort'],
    };
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [vite],
      columns: 120,
    });
    const frame = await harness.ui.waitForText('4242');
    expect(frame).toMatch(/shop\s+web\s+3000\s+active\s+4242\s+vite \(node\)\s+127\.0\.0\.1/);
    expect(frame).not.toContain('--strictPort');
  });
});
