// The first frame is painted from plain strings before Ink loads, then Ink draws the same
// screen: any difference would flash on screen. So the painted frame must equal what the real
// App renders for the same registry, scan and terminal size, line for line.
import { afterEach, describe, expect, it } from 'vitest';
import { statusView } from '../../../src/core/actions/index.js';
import type { ScanOutcome } from '../../../src/core/ports.js';
import { firstFrame } from '../../../src/dashboard/terminal/first-frame.js';
import { stripAnsi } from '../../../src/view/ansi.js';
import { tcp as listener } from '../../helpers/fakes.js';
import { type DashboardHarness, startDashboard } from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const trimmed = (lines: readonly string[]) => {
  const out = lines.map((line) => line.trimEnd());
  while (out.at(-1) === '') out.pop();
  return out;
};

async function bothFrames(
  projects: Record<string, Record<string, number>>,
  scan: ScanOutcome | ReturnType<typeof listener>[],
  columns: number,
  rows: number,
  lastText: string,
) {
  harness = await startDashboard({ projects, scan, columns, rows });
  const ink = await harness.ui.waitForText(lastText);
  const { registry } = await harness.registry.store.read();
  const outcome = await harness.scanner.scan();
  const view = statusView(harness.deps, registry, outcome);
  const options = { columns, rows, registryPath: harness.registry.path, intervalMs: 60_000 };
  return {
    ink: trimmed(ink.split('\n')),
    painted: trimmed(firstFrame(view, { ...options, color: false })),
    coloured: firstFrame(view, { ...options, color: true }),
  };
}

describe('the first frame painted before Ink loads', () => {
  it('is the frame the App renders: header, table with a selected row, help bar', async () => {
    const frames = await bothFrames(
      { shop: { web: 4100, api: 4101 }, blog: { site: 4200 } },
      [listener(4100, 4242, 'node'), listener(5999, 77, 'python3')],
      100,
      20,
      'site',
    );
    expect(frames.painted).toEqual(frames.ink);
    expect(frames.painted.join('\n')).toContain('› ');
    // The order `o` cycles through is named in the header from the start.
    expect(frames.painted[1]).toContain('sort project');
  });

  it('pages a table taller than the terminal and cuts lines to a narrow width as Ink does', async () => {
    const services = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`service-with-a-long-name-${i}`, 4300 + i]),
    );
    const frames = await bothFrames({ project: services }, [], 48, 16, 'PgUp');
    expect(frames.painted).toEqual(frames.ink);
  });

  it('says why states are unknown when the scanner cannot run', async () => {
    const frames = await bothFrames(
      { shop: { web: 4100 } },
      { ok: false, reason: 'netlink refused' },
      90,
      14,
      'netlink refused',
    );
    expect(frames.painted).toEqual(frames.ink);
  });

  it('shows an empty registry the way the App does', async () => {
    const frames = await bothFrames({}, [], 80, 12, 'no allocations yet');
    expect(frames.painted).toEqual(frames.ink);
  });

  it('on a short terminal drops the spacer and the hint as the App does', async () => {
    const frames = await bothFrames(
      { shop: { web: 4100 } },
      { ok: false, reason: 'netlink refused' },
      60,
      8,
      'netlink refused',
    );
    expect(frames.painted).toEqual(frames.ink);
    expect(frames.painted[2]).not.toBe('');
    expect(frames.painted.join('\n')).not.toContain('hint:');
  });

  it('wraps a long message over the lines the App gives it', async () => {
    const reason = 'the netlink socket was refused by the kernel of this machine for a reason';
    const frames = await bothFrames({ shop: { web: 4100 } }, { ok: false, reason }, 40, 20, 'hint');
    expect(frames.painted).toEqual(frames.ink);
    expect(frames.painted.filter((line) => line.includes('kernel')).length).toBe(1);
    expect(frames.painted.some((line) => line.startsWith('! live state unknown'))).toBe(true);
  });

  it('says the terminal is too small, as the App does', async () => {
    const frames = await bothFrames({ shop: { web: 4100 } }, [], 60, 5, 'too small');
    expect(frames.painted).toEqual(frames.ink);
    expect(frames.painted).toEqual(['terminal too small (needs 30×6)']);
  });

  it('in colour, differs from the plain frame only by colour codes', async () => {
    const frames = await bothFrames(
      { shop: { web: 4100 } },
      [listener(4100, 1, 'node')],
      80,
      12,
      'web',
    );
    expect(trimmed(frames.coloured.map(stripAnsi))).toEqual(frames.painted);
    expect(frames.coloured.join('\n')).not.toEqual(frames.painted.join('\n'));
  });
});
