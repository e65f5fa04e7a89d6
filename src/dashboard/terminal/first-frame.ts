// The dashboard's first frame as plain lines, painted before React and Ink have loaded.
// Loading them and Ink's first render of a full table cost more than the scan itself (see
// docs/benchmarks.md), yet the first frame needs neither: it is the table in its initial
// state (first row selected, no panel, no filter). Ink then draws the same frame, and the
// screen repaints only lines that differ. Built from the same words and cells as the
// components (frame-text.ts); a test compares the two frames.
import type { StatusView } from '../../core/actions/index.js';
import { formatRange } from '../../core/model/port.js';
import { STATE_PALETTE, TONE_PALETTE } from '../../view/palette.js';
import { createStyle, paint, type Style } from '../../view/style.js';
import { fitColumns } from '../../view/table.js';
import { graphemes } from '../../view/width.js';
import { CLOCK_COLUMNS, layoutOf, tablePage, tooSmallText } from '../model/layout.js';
import type { Message } from '../model/messages.js';
import { type DashboardRow, dashboardRows } from '../model/rows.js';
import { modeOf, selectedIndex, situationOf, startingUiState } from '../model/state.js';
import { shownRows } from '../model/target.js';
import {
  activeCount,
  emptyTableText,
  headerFacts,
  headerWords,
  helpBarText,
  pageFooter,
  rowParts,
  scannerNote,
  tableTitle,
} from '../ui/frame-text.js';
import { messageHeight, messageLines } from '../ui/message-text.js';

export interface FirstFrameOptions {
  readonly columns: number;
  readonly rows: number;
  /** As shown in the header (home abbreviated). */
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
  /** `--all`: the unmanaged rows are shown from the first frame. */
  readonly showUnmanaged?: boolean;
}

/** A piece of a line and how to paint it. */
type Piece = readonly [text: string, painter?: (text: string) => string];

export function firstFrame(view: StatusView, options: FirstFrameOptions): string[] {
  const { columns } = options;
  const style = createStyle(options.color);
  const ui = startingUiState(options.showUnmanaged === true);
  const data = dashboardRows(view);
  const rows = shownRows(ui, data);
  const selected = selectedIndex(ui.selection, rows);
  // Before any action the message line has only the scanner's note, if anything.
  const message = scannerNote(view);
  const layout = layoutOf(options, ui.overlay, messageHeight(message, columns));
  if (!layout.fits) return [cut([[tooSmallText(layout.needs, columns)]], columns)];
  const height = layout.tableHeight;
  const lines: string[] = [];

  const backend = view.scanner.backend;
  const words = headerWords(options.registryPath, backend, view.scanner.available);
  lines.push(
    cut(
      [[`pm`, style.bold], [` ${words.registry}`]],
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
    sort: ui.sort,
  });
  const warning = (text: string) => paint(style, TONE_PALETTE.warning, text);
  lines.push(
    cut(
      [
        ['scanner ', style.dim],
        [words.scanner, view.scanner.available ? style.dim : warning],
        [` · ${facts}`, style.dim],
      ],
      columns,
    ),
  );
  if (layout.spacer) lines.push('');

  const table = tableLines(rows, selected, height, columns, style).slice(0, height);
  lines.push(...table, ...blank(height - table.length));
  lines.push(...messageArea(message, layout.messageLines, columns, style));
  lines.push(cut([[helpBarText(modeOf(ui), columns, situationOf(ui)), style.dim]], columns));
  return lines;
}

function blank(count: number): string[] {
  return new Array<string>(Math.max(0, count)).fill('');
}

/** The message area as MessageLine draws it: the hint first to go when lines are short. */
function messageArea(
  message: Message | undefined,
  height: number,
  width: number,
  style: Style,
): string[] {
  if (message === undefined) return blank(height);
  const { text, hintLines } = messageLines(message, width);
  const hintShown = hintLines.slice(0, Math.max(0, height - text.length));
  const tone = (line: string) => paint(style, TONE_PALETTE[message.tone], line);
  const lines = text
    .slice(0, Math.max(1, height - hintShown.length))
    .map((line) => cut([[line, tone]], width));
  for (const line of hintShown) lines.push(cut([[line, style.dim]], width));
  return [...lines, ...blank(height - lines.length)];
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
  const { start, end, footer } = tablePage(rows.length, selected, height);
  for (let index = start; index < end; index++) {
    const row = rows[index]!;
    const parts = rowParts(row, columns, index === selected);
    const pieces: Piece[] = [[parts.marker], [parts.before]];
    if (parts.state !== undefined) {
      pieces.push([parts.state, (text) => paint(style, STATE_PALETTE[row.state], text)]);
    }
    pieces.push([parts.after]);
    const line = cut(pieces, width);
    lines.push(index === selected ? style.inverse(line) : line);
  }
  if (footer) lines.push(cut([[pageFooter(start, end, rows.length), style.dim]], width));
  return lines;
}

/**
 * The pieces painted and cut to `width` columns the way Ink's truncate modes cut them: an
 * ellipsis at the end, or in the middle (the registry path).
 */
function cut(pieces: readonly Piece[], width: number, position: 'end' | 'middle' = 'end'): string {
  // Characters with the cells each takes: a wide (East-Asian) one takes two.
  const chars = pieces.flatMap(([text, painter], index) =>
    graphemes(text).map(({ text: char, width: cells }) => ({ char, cells, index, painter })),
  );
  const cellsOf = (list: readonly { cells: number }[]) =>
    list.reduce((sum, { cells }) => sum + cells, 0);
  /** The first (or, from the end, last) characters that fit in `room` cells. */
  const fitting = <T extends { cells: number }>(list: readonly T[], room: number): T[] => {
    const out: T[] = [];
    let used = 0;
    for (const item of list) {
      if (used + item.cells > room) break;
      out.push(item);
      used += item.cells;
    }
    return out;
  };
  let kept = chars;
  if (cellsOf(chars) > width && width > 0) {
    const ellipsis = { char: '…', cells: 1, index: -1, painter: undefined };
    if (position === 'middle') {
      const left = fitting(chars, Math.floor(width / 2));
      const right = fitting([...chars].reverse(), width - cellsOf(left) - 1).reverse();
      kept = [...left, ellipsis, ...right];
    } else {
      kept = [...fitting(chars, width - 1), ellipsis];
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
