// The one table renderer. Fits a table into the terminal width: every row is exactly one line.
// When space runs out, each layout says which columns give way first (for the status table:
// ADDRESS shrinks, then goes; then PROCESS), then names are shortened with an ellipsis; the
// columns that carry the answer (PORT, STATE) are always kept whole. Cells arrive sanitized
// (see cells.ts), so the widths measured here are the widths on screen.
import { type Cells, COLUMNS, type Column } from './cells.js';
import { cellWidth, cutToCells, padCells } from './width.js';

export interface FittedColumn<C extends string = Column> {
  readonly column: C;
  readonly width: number;
  readonly align: 'left' | 'right';
}

/** How a layout makes room, step by step, until the table fits. */
export type FitStep<C extends string> =
  | { readonly shrink: C }
  | { readonly drop: C }
  /** Shorten these together, the longest first, down to their minimum widths. */
  | { readonly share: readonly C[] };

export interface TableLayout<C extends string> {
  readonly columns: readonly C[];
  /** Below this a column is dropped rather than squeezed into unreadable stubs. */
  readonly min: Readonly<Record<C, number>>;
  /** A cell longer than this says nothing more (bounded widths only). */
  readonly max?: Partial<Readonly<Record<C, number>>>;
  readonly rightAligned: readonly C[];
  readonly steps: readonly FitStep<C>[];
}

export const GAP = 2;
/** The selection marker in front of every row. */
export const MARKER_WIDTH = 2;
const ELLIPSIS = '…';

export const STATUS_LAYOUT: TableLayout<Column> = {
  columns: COLUMNS,
  min: { PROJECT: 6, SERVICE: 6, PORT: 4, STATE: 9, PID: 3, PROCESS: 7, ADDRESS: 7 },
  max: { PROCESS: 20, ADDRESS: 24 },
  rightAligned: ['PORT', 'PID'],
  steps: [
    { shrink: 'ADDRESS' },
    { drop: 'ADDRESS' },
    { shrink: 'PROCESS' },
    { drop: 'PROCESS' },
    { share: ['PROJECT', 'SERVICE'] },
    { drop: 'PID' },
  ],
};

function totalWidth<C extends string>(widths: ReadonlyMap<C, number>, markerWidth: number) {
  let total = markerWidth;
  for (const width of widths.values()) total += width;
  return total + GAP * Math.max(0, widths.size - 1);
}

/** Column widths for `rows` in `width` (Infinity: every cell whole) after `markerWidth`. */
export function fitLayout<C extends string>(
  layout: TableLayout<C>,
  rows: readonly Readonly<Record<C, string>>[],
  width: number,
  markerWidth: number,
): FittedColumn<C>[] {
  const widths = new Map<C, number>();
  for (const column of layout.columns) {
    let natural = Math.max(column.length, layout.min[column]);
    for (const row of rows) natural = Math.max(natural, cellWidth(row[column]));
    // Unbounded (a pipe, a log): every cell whole. Bounded: long tails are not worth the room.
    const cap = Number.isFinite(width) ? layout.max?.[column] : undefined;
    widths.set(column, Math.min(natural, cap ?? natural));
  }
  const overflow = () => totalWidth(widths, markerWidth) - width;
  for (const step of layout.steps) {
    if (overflow() <= 0) break;
    if ('drop' in step) widths.delete(step.drop);
    else if ('shrink' in step) {
      const current = widths.get(step.shrink);
      if (current !== undefined)
        widths.set(step.shrink, Math.max(layout.min[step.shrink], current - overflow()));
    } else {
      while (overflow() > 0) {
        const longest = step.share.reduce((a, b) =>
          (widths.get(a) ?? 0) >= (widths.get(b) ?? 0) ? a : b,
        );
        const current = widths.get(longest) ?? 0;
        if (current <= layout.min[longest]) break;
        widths.set(longest, current - 1);
      }
    }
  }
  return layout.columns
    .filter((column) => widths.has(column))
    .map((column) => ({
      column,
      width: widths.get(column) ?? 0,
      align: layout.rightAligned.includes(column) ? 'right' : 'left',
    }));
}

/** The status table's columns; `markerWidth`: room for the dashboard's marker (0 for print). */
export function fitColumns(
  rows: readonly Cells[],
  width: number,
  markerWidth = MARKER_WIDTH,
): FittedColumn[] {
  return fitLayout(STATUS_LAYOUT, rows, width, markerWidth);
}

/** A cell cut or padded to exactly `width` terminal cells. */
export function fitCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  return padCells(cutToCells(text, width, ELLIPSIS), width, align);
}

export function joinCells(parts: readonly string[]): string {
  return parts.join(' '.repeat(GAP));
}

/**
 * A table as text lines (the title line first), for print. `paint` colours a fitted cell; it
 * sees the cell's text, so colour never changes a width.
 */
export function renderTable<C extends string>(
  layout: TableLayout<C>,
  rows: readonly Readonly<Record<C, string>>[],
  options: {
    readonly width?: number;
    readonly title?: (text: string) => string;
    readonly paint?: (column: C, row: Readonly<Record<C, string>>, fitted: string) => string;
  } = {},
): string {
  const fitted = fitLayout(layout, rows, options.width ?? Number.POSITIVE_INFINITY, 0);
  const line = (text: (column: FittedColumn<C>) => string) => joinCells(fitted.map(text)).trimEnd();
  const title = line(({ column, width, align }) => fitCell(column, width, align));
  return [
    options.title ? options.title(title) : title,
    ...rows.map((row) =>
      line(({ column, width, align }) => {
        const text = fitCell(row[column], width, align);
        return options.paint ? options.paint(column, row, text) : text;
      }),
    ),
  ].join('\n');
}
