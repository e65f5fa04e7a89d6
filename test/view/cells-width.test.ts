// Text pm did not write may reorder what the terminal shows (bidi controls) or take two cells
// a character (East-Asian wide names): bidi controls are escaped like other controls, and
// every width is measured in terminal cells, in the table, the dashboard and messages.

import fc from 'fast-check';
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
import { cellWidth, graphemes, tailToCells } from '../../src/view/width.js';
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

describe('the narrow fast path', () => {
  // pm measures printable ASCII and its own marks without loading string-width (30 ms of
  // start-up): the answer must be string-width's, for any text.
  const marks = ['·', '—', '…', '›', '→', '✓', '✗'];
  const pieces = fc.oneof(
    fc.string({ unit: 'grapheme-ascii' }),
    fc.constantFrom(...marks),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('商店', '商', 'é', 'e\u0301', '👍🏽', '\u001b[31m', '\u200b', '\t'),
  );

  it('measures every text as string-width does', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 6 }), (parts) => {
        const text = parts.join('');
        expect(cellWidth(text)).toBe(stringWidth(text));
        // graphemes() is for text without escape codes (sanitized text has none).
        if (text.includes('\u001b')) return;
        const cells = graphemes(text).reduce((sum, piece) => sum + piece.width, 0);
        expect(cells).toBe(stringWidth(text));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the fast path only for characters string-width gives one cell', () => {
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    for (const char of [...ascii, ...marks]) expect([char, stringWidth(char)]).toEqual([char, 1]);
    // Anything else goes to string-width, whatever it is.
    for (const char of ['\t', '\u007f', '\u00a0', '\u00ad', '\u3000', '商']) {
      expect(cellWidth(char)).toBe(stringWidth(char));
    }
  });

  it('takes the fast path for what pm draws most', () => {
    for (const text of ['pm registry ~/.config/port-manager/registry.toml', ...marks]) {
      expect(cellWidth(text)).toBe(text.length);
    }
  });
});
