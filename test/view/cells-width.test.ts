// Text pm did not write may reorder what the terminal shows (bidi controls) or take two cells
// a character (East-Asian wide names): bidi controls are escaped like other controls, and
// every width is measured in terminal cells, in the table, the dashboard and messages.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderStatusTable } from '../../src/commands/status.js';
import { statusView } from '../../src/core/actions/index.js';
import { emptyRegistry, withAllocation } from '../../src/core/model/registry.js';
import { firstFrame } from '../../src/dashboard/terminal/first-frame.js';
import { wrapText } from '../../src/dashboard/ui/message-text.js';
import { clipToWidth, visibleLength } from '../../src/view/ansi.js';
import { sanitize } from '../../src/view/sanitize.js';
import { createStyle } from '../../src/view/style.js';
import { fitCell } from '../../src/view/table.js';
import { tailToCells } from '../../src/view/width.js';
import { fakeScanner, tcp } from '../helpers/fakes.js';

const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];

describe('bidi controls', () => {
  it('are shown escaped, never obeyed', () => {
    for (const char of BIDI) {
      const shown = sanitize(`evil${char}gnp.exe`);
      expect(shown).not.toContain(char);
      expect(shown).toBe(`evil\\u${char.charCodeAt(0).toString(16)}gnp.exe`);
      expect(sanitize(shown)).toBe(shown);
    }
  });

  it('never reach the table from a process name', () => {
    const registry = withAllocation(emptyRegistry(), 'shop', 'web', 3000);
    const listeners = [tcp(3000, 42, 'node\u202eexe.sj')];
    const view = statusView({ scanner: fakeScanner(listeners) }, registry, { ok: true, listeners });
    const text = renderStatusTable(view, createStyle(false), false, 100);
    expect(text).toContain('node\\u202eexe.sj');
    for (const char of BIDI) expect(text).not.toContain(char);
  });
});

describe('widths in terminal cells', () => {
  it('a wide name takes two cells a character: columns stay aligned', () => {
    const registry = withAllocation(
      withAllocation(emptyRegistry(), 'shop', 'web', 3000),
      'shop',
      'api',
      3001,
    );
    const listeners = [tcp(3000, 42, '東京サーバ'), tcp(3001, 43, 'node')];
    const view = statusView({ scanner: fakeScanner(listeners) }, registry, { ok: true, listeners });
    const lines = renderStatusTable(view, createStyle(false), false, 100).split('\n');
    const addressAt = (line: string) => stringWidth(line.slice(0, line.indexOf('127.0.0.1')));
    const rows = lines.filter((line) => line.includes('127.0.0.1'));
    expect(rows).toHaveLength(2);
    expect(addressAt(rows[0]!)).toBe(addressAt(rows[1]!));
  });

  it("keeps the dashboard's first frame within the terminal, in cells", () => {
    const registry = withAllocation(emptyRegistry(), 'shop', 'web', 3000);
    const listeners = [tcp(3000, 42, '東京サーバ東京サーバ東京サーバ東京サーバ')];
    const view = statusView({ scanner: fakeScanner(listeners) }, registry, { ok: true, listeners });
    const lines = firstFrame(view, {
      columns: 50,
      rows: 20,
      registryPath: '~/東京/東京/東京/東京/東京/東京/registry.toml',
      intervalMs: 1000,
      color: false,
    });
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(50);
  });

  it('cuts and pads by cells', () => {
    expect(stringWidth(fitCell('東京サーバ', 6))).toBe(6);
    expect(fitCell('東京サーバ', 6)).toBe('東京… ');
    expect(visibleLength('東京')).toBe(4);
    expect(visibleLength(clipToWidth('\u001b[1m東京サーバ\u001b[0m', 5))).toBeLessThanOrEqual(5);
    for (const line of wrapText('東京サーバ '.repeat(10), 13))
      expect(stringWidth(line)).toBeLessThanOrEqual(13);
  });
});

describe('the end of a long text', () => {
  it('keeps the end whole in cells, wide characters counted as two', () => {
    expect(tailToCells('shop', 10)).toBe('shop');
    expect(tailToCells('customer-portal', 8)).toBe('…-portal');
    // 商店 is four cells: a cut never splits a wide character or overruns the width.
    expect(tailToCells('abc商店', 5)).toBe('…商店');
    expect(tailToCells('abc商店', 4)).toBe('…店');
    expect(stringWidth(tailToCells('abc商店', 4))).toBeLessThanOrEqual(4);
  });
});
