// The dashboard's first frame as plain lines, painted before React and Ink have loaded.
// Loading them and Ink's first render of a full table cost more than the scan itself (see
// docs/benchmarks.md), yet the first frame needs neither: it is the table in its initial
// state (first row selected, no panel, no filter). Ink then draws the same frame, and the
// screen repaints only lines that differ. Built from the same words and cells as the
// components (frame-text.ts); a test compares the two frames.
import type { StatusView } from '../core/actions.js';
import { formatRange } from '../core/port.js';
import { STATE_PALETTE, TONE_PALETTE } from '../view/palette.js';
import { sanitize } from '../view/sanitize.js';
import { createStyle, paint, type Style } from '../view/style.js';
import { fitColumns } from '../view/table.js';
import {
  activeCount,
  emptyTableText,
  headerFacts,
  helpBarText,
  MESSAGE_MARKS,
  rowParts,
  scannerNote,
  tableTitle,
} from './frame-text.js';
import { CLOCK_COLUMNS, pageOf, pageSize, tableHeight } from './layout.js';
import { type DashboardRow, dashboardRows, visibleRows } from './rows.js';
import { initialUiState, modeOf, selectedIndex } from './state.js';

export interface FirstFrameOptions {
  readonly columns: number;
  readonly rows: number;
  /** As shown in the header (home abbreviated). */
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
}

/** A piece of a line and how to paint it. */
type Piece = readonly [text: string, painter?: (text: string) => string];

export function firstFrame(view: StatusView, options: FirstFrameOptions): string[] {
  const { columns } = options;
  const style = createStyle(options.color);
  const ui = initialUiState;
  const data = dashboardRows(view);
  const rows = visibleRows(data, { filter: ui.filter, showUnmanaged: ui.showUnmanaged });
  const selected = selectedIndex(ui.selection, rows);
  const height = tableHeight(options.rows, ui.overlay);
  const lines: string[] = [];

  lines.push(
    cut(
      [[`pm`, style.bold], [` registry ${sanitize(options.registryPath)}`]],
      Math.max(10, columns - CLOCK_COLUMNS),
      'middle',
    ),
  );
  const facts = headerFacts({
    range: formatRange(view.registry.defaults.range),
    intervalMs: options.intervalMs,
    allocations: data.allocations.length,
    active: activeCount(data.allocations),
    shown: rows.length,
    filter: ui.filter,
    showUnmanaged: ui.showUnmanaged,
  });
  const backend = view.scanner.backend;
  lines.push(
    cut(
      [
        ['scanner ', style.dim],
        view.scanner.available ? [backend, style.dim] : [`${backend} (unavailable)`, style.yellow],
        [` · ${facts}`, style.dim],
      ],
      columns,
    ),
  );
  lines.push('');

  const table = tableLines(rows, selected, height, columns, style);
  lines.push(...table, ...new Array<string>(Math.max(0, height - table.length)).fill(''));

  const message = scannerNote(view);
  if (message) {
    const tone = (text: string) => paint(style, TONE_PALETTE[message.tone], text);
    lines.push(cut([[`${MESSAGE_MARKS[message.tone]} ${sanitize(message.text)}`, tone]], columns));
    lines.push(
      message.hint ? cut([[`  hint: ${sanitize(message.hint)}`, style.dim]], columns) : '',
    );
  } else {
    lines.push('', '');
  }
  lines.push(cut([[helpBarText(modeOf(ui), columns), style.dim]], columns));
  return lines;
}

function tableLines(
  rows: readonly DashboardRow[],
  selected: number,
  height: number,
  width: number,
  style: Style,
): string[] {
  const columns = fitColumns(
    rows.map((row) => row.cells),
    width,
  );
  const lines = [cut([[tableTitle(columns), style.bold]], width)];
  if (rows.length === 0) {
    lines.push(cut([[`  ${emptyTableText(false, '')}`, style.dim]], width));
    return lines;
  }
  const size = pageSize(rows.length, height);
  const { start, end } = pageOf(rows.length, selected, size);
  for (let index = start; index < end; index++) {
    const row = rows[index]!;
    const parts = rowParts(row, columns, index === selected);
    const pieces: Piece[] = [[parts.marker], [parts.before]];
    if (parts.state !== undefined) {
      pieces.push([parts.state, (text) => paint(style, STATE_PALETTE[row.state], text)]);
    }
    pieces.push([parts.after]);
    const line = cut(pieces, width);
    lines.push(index === selected && style.enabled ? `\u001b[7m${line}\u001b[27m` : line);
  }
  if (rows.length > size) {
    lines.push(
      cut([[`  rows ${start + 1}-${end} of ${rows.length} (PgUp/PgDn)`, style.dim]], width),
    );
  }
  return lines;
}

/**
 * The pieces painted and cut to `width` columns the way Ink's truncate modes cut them: an
 * ellipsis at the end, or in the middle (the registry path).
 */
function cut(pieces: readonly Piece[], width: number, position: 'end' | 'middle' = 'end'): string {
  const chars = pieces.flatMap(([text, painter], index) =>
    [...text].map((char) => ({ char, index, painter })),
  );
  let kept = chars;
  if (chars.length > width && width > 0) {
    const ellipsis = { char: '…', index: -1, painter: undefined };
    if (position === 'middle') {
      const left = Math.floor(width / 2);
      kept = [...chars.slice(0, left), ellipsis, ...chars.slice(chars.length - (width - left - 1))];
    } else {
      kept = [...chars.slice(0, width - 1), ellipsis];
    }
  }
  let line = '';
  let run = '';
  let current: Piece[1];
  let currentIndex = -2;
  for (const { char, index, painter } of kept) {
    if (index !== currentIndex) {
      line += current ? current(run) : run;
      run = '';
      current = painter;
      currentIndex = index;
    }
    run += char;
  }
  return line + (current ? current(run) : run);
}
