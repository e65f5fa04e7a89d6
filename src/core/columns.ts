// Fits the table into the terminal width: every row is exactly one line. When space runs out,
// the least useful columns give way first (ADDRESS shrinks, then goes; then PROCESS),
// then names are shortened with an ellipsis; PORT and STATE are always kept whole.
import { type Cells, COLUMNS, type Column } from './display.js';

export interface FittedColumn {
  readonly column: Column;
  readonly width: number;
  readonly align: 'left' | 'right';
}

export const GAP = 2;
/** The selection marker in front of every row. */
export const MARKER_WIDTH = 2;
const ELLIPSIS = '…';

/** Below this a column is dropped rather than squeezed into unreadable stubs. */
const MIN_WIDTH: Readonly<Record<Column, number>> = {
  PROJECT: 6,
  SERVICE: 6,
  PORT: 4,
  STATE: 9,
  PID: 3,
  PROCESS: 7,
  ADDRESS: 7,
};

/** A process name or address list longer than this says nothing more. */
const MAX_WIDTH: Partial<Readonly<Record<Column, number>>> = { PROCESS: 20, ADDRESS: 24 };

const RIGHT_ALIGNED: ReadonlySet<Column> = new Set(['PORT', 'PID']);

function totalWidth(widths: ReadonlyMap<Column, number>, markerWidth: number): number {
  let total = markerWidth;
  for (const width of widths.values()) total += width;
  return total + GAP * Math.max(0, widths.size - 1);
}

/** `markerWidth`: room in front of each row (the dashboard's selection marker; 0 for print). */
export function fitColumns(
  rows: readonly Cells[],
  width: number,
  markerWidth = MARKER_WIDTH,
): FittedColumn[] {
  const widths = new Map<Column, number>();
  for (const column of COLUMNS) {
    let natural = Math.max(column.length, MIN_WIDTH[column]);
    for (const row of rows) natural = Math.max(natural, row[column].length);
    // Unbounded (a pipe, a log): every cell whole. Bounded: long tails are not worth the room.
    const cap = Number.isFinite(width) ? MAX_WIDTH[column] : undefined;
    widths.set(column, Math.min(natural, cap ?? natural));
  }
  const overflow = () => totalWidth(widths, markerWidth) - width;
  const shrink = (column: Column) => {
    const current = widths.get(column);
    if (current === undefined || overflow() <= 0) return;
    widths.set(column, Math.max(MIN_WIDTH[column], current - overflow()));
  };
  const drop = (column: Column) => {
    if (overflow() > 0) widths.delete(column);
  };
  shrink('ADDRESS');
  drop('ADDRESS');
  shrink('PROCESS');
  drop('PROCESS');
  // Share what is left between the two names, the longer one giving more.
  while (overflow() > 0) {
    const project = widths.get('PROJECT') ?? 0;
    const service = widths.get('SERVICE') ?? 0;
    const longer: Column = project >= service ? 'PROJECT' : 'SERVICE';
    const current = widths.get(longer) ?? 0;
    if (current <= MIN_WIDTH[longer]) break;
    widths.set(longer, current - 1);
  }
  drop('PID');
  return COLUMNS.filter((column) => widths.has(column)).map((column) => ({
    column,
    width: widths.get(column) ?? 0,
    align: RIGHT_ALIGNED.has(column) ? 'right' : 'left',
  }));
}

/** A cell cut or padded to exactly `width` characters. */
export function fitCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const clipped =
    text.length > width ? `${text.slice(0, Math.max(0, width - 1))}${ELLIPSIS}` : text;
  return align === 'right' ? clipped.padStart(width) : clipped.padEnd(width);
}

export function joinCells(parts: readonly string[]): string {
  return parts.join(' '.repeat(GAP));
}
