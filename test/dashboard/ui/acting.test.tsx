// Acting on the selected row: details, stopping its process, f on an active row, prefill,
// sort, copy and open. Fake scanner, inspector and process table: nothing real is signalled.
import { afterEach, describe, expect, it } from 'vitest';
import { scannerWithContainers } from '../../../src/core/actions/containers.js';
import type {
  ContainerDirectory,
  ProcessDetail,
  ProcessInspector,
} from '../../../src/core/ports.js';
import { type FakeControl, fakeControl, tcp } from '../../helpers/fakes.js';
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

const STARTED = Date.UTC(2026, 10, 30, 21, 0, 0);
const vite = { ...tcp(3000, 4242, 'node'), command: ['node', '/srv/shop/node_modules/.bin/vite'] };

function inspector(details: Record<number, ProcessDetail>): ProcessInspector & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    detail: async (pid) => {
      asked.push(pid);
      return details[pid];
    },
    startTime: async (pid) => details[pid]?.startTime,
    parentPid: async (pid) => details[pid]?.ppid,
  };
}

const VITE_DETAIL: ProcessDetail = {
  pid: 4242,
  ppid: 4200,
  uid: 1000,
  user: 'ana',
  name: 'node',
  executable: '/usr/bin/node',
  command: ['node', '/srv/shop/node_modules/.bin/vite', '--port', '3000'],
  cwd: '/srv/elsewhere',
  startTime: STARTED,
  sockets: [
    { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, state: 'LISTEN' },
    { protocol: 'udp', family: 'ipv4', address: '0.0.0.0', port: 5353, state: 'UNCONN' },
  ],
  unavailable: {},
};

const WITH_PATH = `version = 1

[defaults]
range_start = 3000
range_end = 9999

[projects.shop]
path = "/srv/shop"

[projects.shop.ports]
web = 3000
api = 3001
`;

describe('the detail view', () => {
  it('opens on Enter with the allocation, the state and its reason, and the process; Esc closes', async () => {
    const inspect = inspector({ 4242: VITE_DETAIL });
    harness = await startDashboard({
      registryText: WITH_PATH,
      scan: [vite],
      columns: 140,
      rows: 30,
      intervalMs: 30,
      deps: (deps) => ({ ...deps, inspector: inspect, cwdOf: () => '/srv/elsewhere' }),
    });
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+conflict/.test(frame));
    // Nothing is inspected until a detail view is opened.
    expect(inspect.asked).toEqual([]);
    await ui.press('down'); // shop/web is second (api sorts first)
    await ui.waitForFrame((frame) => /web/.test(selectedLine(frame) ?? ''));
    await ui.press('enter');
    const frame = await ui.waitForText('/srv/shop/node_modules/.bin/vite --port 3000');
    expect(frame).toMatch(/allocation\s+shop\/web/);
    expect(frame).toMatch(/project path\s+\/srv\/shop/);
    expect(frame).toMatch(
      /state\s+conflict: vite \(node\) \(pid 4242\) holds port 3000 but works in \/srv\/elsewhere, outside the project's path \/srv\/shop/,
    );
    expect(frame).toMatch(/cwd\s+\/srv\/elsewhere/);
    expect(frame).toMatch(/user\s+ana \(uid 1000\)/);
    expect(frame).toMatch(/started\s+2026-11-30 21:00:00 UTC \(up /);
    expect(frame).toMatch(/ppid\s+4200/);
    expect(frame).toMatch(/sockets\s+tcp 127\.0\.0\.1:3000 LISTEN/);
    expect(frame).toContain('udp 0.0.0.0:5353 UNCONN');
    expect(inspect.asked).toEqual([4242]);
    // Refreshes go on while the view is open, and none of them reads the process again.
    const calls = harness.scanner.calls;
    await ui.waitForFrame(() => (harness?.scanner.calls ?? 0) >= calls + 3);
    expect(inspect.asked).toEqual([4242]);
    await ui.press('escape');
    const closed = await ui.waitForFrame((current) => !current.includes('project path'));
    expect(closed).toMatch(/PROJECT\s+SERVICE/);
  });

  it("shows the allocation's name while pm proxy runs, and none without it", async () => {
    // The probe's answer is given here; test/e2e/proxy.test.ts asks a real Caddy.
    let running = true;
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [vite],
      columns: 140,
      rows: 30,
      intervalMs: 30,
      deps: (deps) => ({
        ...deps,
        inspector: inspector({ 4242: VITE_DETAIL }),
        proxy: async () =>
          running ? { httpPort: 1355, httpsPort: 1356, admin: '127.0.0.1:1357' } : undefined,
      }),
    });
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    await ui.press('enter');
    expect(await ui.waitForText('http://web.shop.localhost:1355')).toMatch(
      /name\s+http:\/\/web\.shop\.localhost:1355 \(pm proxy\)/,
    );
    running = false;
    await ui.waitForFrame(
      (frame) => frame.includes('project path') && !frame.includes('localhost:1355'),
    );
  });

  it('says why fields are unavailable, and shows foreign text escaped', async () => {
    const hidden: ProcessDetail = {
      pid: 4242,
      name: 'evil\u001b]0;PWNED\u0007',
      command: ['node', 'x\u001b[2J'],
      unavailable: { cwd: "another user's process: needs root", user: 'not readable' },
    };
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [vite],
      columns: 140,
      rows: 30,
      deps: (deps) => ({ ...deps, inspector: inspector({ 4242: hidden }) }),
    });
    const { ui } = harness;
    await ui.waitForText('active');
    await ui.press('enter');
    const frame = await ui.waitForText("unavailable: another user's process: needs root");
    expect(frame).toMatch(
      /state\s+active: vite \(node\) \(pid 4242\) listens on 127\.0\.0\.1 port 3000/,
    );
    expect(frame).toContain('evil\\x1b]0;PWNED\\x07');
    expect(frame).toContain('node x\\x1b[2J');
    expect(frame).not.toContain('\u001b]0;');
  });
});

describe('stopping the selected row with x', () => {
  function killable(): { control: FakeControl; setup: Parameters<typeof startDashboard>[0] } {
    let scannerRef: DashboardHarness['scanner'] | undefined;
    const control = fakeControl(
      { pid: 100, uid: 1000 },
      { 4242: { startTime: STARTED, uid: 1000, ppid: 1 }, 100: { startTime: 1, ppid: 1 } },
      // The fake process dies of SIGTERM: its listener disappears from the next scans.
      () => scannerRef?.set([]),
    );
    return {
      control,
      setup: {
        projects: { shop: { web: 3000 } },
        scan: [vite],
        columns: 140,
        deps: (deps) => ({ ...deps, control }),
        onRefreshed: () => {
          scannerRef = harness?.scanner;
        },
      },
    };
  }

  it('asks y/n naming the process, pid and port; y stops it and the row turns idle', async () => {
    const { control, setup } = killable();
    harness = await startDashboard(setup);
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    await ui.press('x');
    await ui.waitForText('Stop vite (node), pid 4242, on port 3000?');
    expect(control.sent).toEqual([]);
    await ui.press('y');
    const frame = await ui.waitForText(
      'stopped vite (node) (pid 4242) on port 3000 with SIGTERM; port 3000 is free',
    );
    expect(control.sent).toEqual([[4242, 'TERM']]);
    await ui.waitForFrame((current) => /3000\s+idle/.test(current));
    expect(frame).not.toContain('Stop vite');
  });

  it('on a container’s port asks to stop the container, and y stops it through the engine, never signalling the forwarder', async () => {
    const { control, setup } = killable();
    const stopped: string[] = [];
    const engine: ContainerDirectory = {
      list: async () => ({
        ok: true,
        containers: [
          {
            id: 'c0ffee00c0ffee00',
            name: 'web-1',
            image: 'postgres:16',
            ports: [{ ip: '127.0.0.1', privatePort: 5432, publicPort: 3000, protocol: 'tcp' }],
          },
        ],
      }),
      info: async () => ({ ok: false, problem: { kind: 'none', message: 'none' } }),
      stop: async (id) => {
        stopped.push(id);
        harness?.scanner.set([]);
        return 'stopped';
      },
    };
    harness = await startDashboard({
      ...setup,
      scan: [tcp(3000, 4242, 'docker-proxy')],
      deps: (deps) => ({
        ...deps,
        control,
        containers: engine,
        scanner: scannerWithContainers(deps.scanner, engine),
      }),
    });
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active\s+-\s+container web-1/.test(frame));
    await ui.press('x');
    await ui.waitForText('Stop container web-1 (postgres:16), on port 3000?');
    await ui.press('y');
    await ui.waitForText(
      'stopped container web-1 (postgres:16) through its engine; port 3000 is free',
    );
    expect(stopped).toEqual(['c0ffee00c0ffee00']);
    expect(control.sent).toEqual([]);
  });

  it("names another user's process by owner and directory, in the question and the outcome", async () => {
    let scannerRef: DashboardHarness['scanner'] | undefined;
    const control = fakeControl(
      { pid: 100, uid: 0 },
      { 4242: { startTime: STARTED, uid: 1001, ppid: 1 }, 100: { startTime: 1, ppid: 1 } },
      () => scannerRef?.set([]),
    );
    const inspector = {
      detail: async (pid: number) => ({
        pid,
        uid: 1001,
        user: 'bob',
        cwd: '/srv/shop',
        unavailable: {},
      }),
      startTime: async () => STARTED,
      parentPid: async () => 1,
    };
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [{ ...vite, uid: 1001 }],
      columns: 160,
      deps: (deps) => ({ ...deps, control, inspector }),
      onRefreshed: () => {
        scannerRef = harness?.scanner;
      },
    });
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    await ui.press('x');
    await ui.waitForText(
      'Stop vite (node), pid 4242, on port 3000, of user bob (uid 1001), in /srv/shop?',
    );
    await ui.press('y');
    await ui.waitForText('stopped vite (node) (pid 4242) of user bob (uid 1001) on port 3000');
  });

  it('n leaves the process alone', async () => {
    const { control, setup } = killable();
    harness = await startDashboard(setup);
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    await ui.press('x');
    await ui.waitForText('Stop vite (node)');
    await ui.press('n');
    await ui.waitForFrame((frame) => !frame.includes('Stop vite'));
    expect(control.sent).toEqual([]);
  });

  it('refuses in the message line when the process is pm itself', async () => {
    const control = fakeControl({ pid: 4242, uid: 1000 }, { 4242: { startTime: STARTED } });
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [vite],
      columns: 160,
      deps: (deps) => ({ ...deps, control }),
    });
    const { ui } = harness;
    await ui.waitForText('active');
    await ui.press('x');
    await ui.waitForText('Stop vite (node)');
    await ui.press('y');
    await ui.waitForText('holding port 3000 is pm itself');
    expect(control.sent).toEqual([]);
  });

  it('says there is nothing to stop on an idle row', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } } });
    await harness.ui.waitForText('idle');
    await harness.ui.press('x');
    await harness.ui.waitForText('nothing listens on port 3000: nothing to stop');
  });

  it('f on an active row says freeing does not stop the process, and x there stops it', async () => {
    const { control, setup } = killable();
    harness = await startDashboard(setup);
    const { ui } = harness;
    await ui.waitForFrame((frame) => /3000\s+active/.test(frame));
    await ui.press('f');
    await ui.waitForText(
      'Port 3000 is still listened on by vite (node) (pid 4242): freeing does not stop the process.',
    );
    await ui.waitForText('x to stop the process');
    await ui.press('x');
    await ui.waitForText('Stop vite (node), pid 4242, on port 3000?');
    await ui.press('y');
    await ui.waitForText('stopped vite (node) (pid 4242)');
    expect(control.sent).toEqual([[4242, 'TERM']]);
    // The allocation itself was not freed.
    expect(await portOfIn(harness, 'shop', 'web')).toBe(3000);
  });
});

describe('prefill, sort, copy and open', () => {
  it("a prefills the selected row's project; on an unmanaged row its port", async () => {
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      scan: [tcp(5173, 77, 'node')],
    });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('a');
    await ui.waitForFrame((frame) => /project: shop/.test(frame) && /› service:/.test(frame));
    await ui.type('api\r\r');
    await ui.waitForText('allocated shop/api');
    await ui.press('u');
    await ui.waitForText('unmanaged');
    await ui.press('G');
    await ui.waitForFrame((frame) => /5173/.test(selectedLine(frame) ?? ''));
    await ui.press('a');
    const form = await ui.waitForText('port:    5173');
    expect(form).toMatch(/› project:/);
  });

  it('o cycles the sort, shown in the header', async () => {
    harness = await startDashboard({
      projects: { alpha: { web: 3005 }, beta: { web: 3001 } },
      scan: [tcp(3005, 9, 'node')],
    });
    const { ui } = harness;
    await ui.waitForText('sort project');
    const order = (frame: string) =>
      frame
        .split('\n')
        .filter((line) => /^[› ] (alpha|beta)/.test(line))
        .map((line) => line.trim().replace(/^› /, '').split(/\s+/)[0]);
    expect(order(ui.frame())).toEqual(['alpha', 'beta']);
    await ui.press('o');
    expect(order(await ui.waitForText('sort port'))).toEqual(['beta', 'alpha']);
    await ui.press('o');
    // Active rows first.
    expect(order(await ui.waitForText('sort state'))).toEqual(['alpha', 'beta']);
    await ui.press('o');
    expect(order(await ui.waitForText('sort process'))).toEqual(['alpha', 'beta']);
    await ui.press('o');
    await ui.waitForText('sort project');
  });

  it('c writes the OSC 52 sequence for http://localhost:<port> through the terminal writer', async () => {
    const written: string[] = [];
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      acting: { writeTerminal: (sequence) => written.push(sequence) },
    });
    await harness.ui.waitForText('3000');
    await harness.ui.press('c');
    await harness.ui.waitForText('copied http://localhost:3000 to the clipboard');
    const base64 = Buffer.from('http://localhost:3000').toString('base64');
    expect(written).toEqual([`\u001b]52;c;${base64}\u0007`]);
  });

  it('c inside tmux also sends the sequence through tmux passthrough', async () => {
    const written: string[] = [];
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      acting: { writeTerminal: (sequence) => written.push(sequence), tmux: true },
    });
    await harness.ui.waitForText('3000');
    await harness.ui.press('c');
    await harness.ui.waitForText('copied');
    const plain = `\u001b]52;c;${Buffer.from('http://localhost:3000').toString('base64')}\u0007`;
    expect(written).toEqual([
      `${plain}\u001bPtmux;${plain.replaceAll('\u001b', '\u001b\u001b')}\u001b\\`,
    ]);
  });

  it('b opens the URL with the opener, and says so when there is none', async () => {
    const opened: string[] = [];
    let available = true;
    harness = await startDashboard({
      projects: { shop: { web: 3000 } },
      columns: 140,
      acting: {
        openUrl: async (url) => {
          opened.push(url);
          return available ? { ok: true } : { ok: false, reason: "no 'xdg-open' on this system" };
        },
      },
    });
    const { ui } = harness;
    await ui.waitForText('3000');
    await ui.press('b');
    await ui.waitForText('opened http://localhost:3000 in the browser');
    available = false;
    await ui.press('b');
    const frame = await ui.waitForText("cannot open a browser: no 'xdg-open' on this system");
    expect(frame).toContain('the URL is http://localhost:3000');
    expect(opened).toEqual(['http://localhost:3000', 'http://localhost:3000']);
  });
});
