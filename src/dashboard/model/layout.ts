// How the screen's lines are shared out. What must stay visible however small the terminal:
// the header, the column titles, the selected row, the open panel, one line of message and
// the help bar. Spare lines go first to a few more rows, then to the message's second line
// (its hint, or a wrapped message), then to a spacer under the header, then all to the table.
// Below the minimum the dashboard says so in one line instead of drawing a broken screen.
import { cellWidth } from '../../view/width.js';
import { fieldsOf } from './form.js';
import type { Overlay } from './state.js';

const HEADER_LINES = 2;
/** Column titles and the selected row. */
const MIN_TABLE_LINES = 2;
/** Rows beyond the selected one that come before any other spare line. */
const FIRST_EXTRA_ROWS = 2;
/** The message area usually keeps two lines, so the layout does not jump when a hint shows. */
const MESSAGE_LINES = 2;
/** Narrower than this, the help bar cannot hold "? help  q quit" and a table makes no sense. */
export const MIN_COLUMNS = 30;
export const SUGGESTION_COUNT = 5;
/** Columns kept free at the top right for "refreshed HH:MM:SS", drawn by the screen. */
export const CLOCK_COLUMNS = 20;

export function panelHeight(overlay: Overlay): number {
  switch (overlay.kind) {
    case 'form':
      // Title, one line per field, one for the validation error.
      return fieldsOf(overlay.form.purpose).length + 2;
    case 'confirm':
      return overlay.stillListening ? 2 : 1;
    case 'filter':
    case 'kill':
      return 1;
    case 'suggest':
      return SUGGESTION_COUNT + 1;
    default:
      return 0;
  }
}

export type Layout =
  | {
      readonly fits: true;
      /** A blank line under the header. */
      readonly spacer: boolean;
      /** Lines for the table (or the help screen), the column titles included. */
      readonly tableHeight: number;
      /** Lines for the message and its hint. */
      readonly messageLines: number;
    }
  | { readonly fits: false; readonly needs: { readonly columns: number; readonly rows: number } };

/**
 * The lines of each part for a terminal of this size. `messageWanted` is how many lines the
 * current message would take whole (0 when there is none).
 */
export function layoutOf(
  size: { readonly columns: number; readonly rows: number },
  overlay: Overlay,
  messageWanted = 0,
): Layout {
  const essential = HEADER_LINES + MIN_TABLE_LINES + panelHeight(overlay) + 1 + 1;
  if (size.rows < essential || size.columns < MIN_COLUMNS) {
    return { fits: false, needs: { columns: MIN_COLUMNS, rows: essential } };
  }
  let spare = size.rows - essential;
  const take = (wanted: number) => {
    const given = Math.min(Math.max(0, wanted), spare);
    spare -= given;
    return given;
  };
  const firstRows = take(FIRST_EXTRA_ROWS);
  const messageLines = 1 + take(Math.max(MESSAGE_LINES, messageWanted) - 1);
  const spacer = take(1) === 1;
  return { fits: true, spacer, tableHeight: MIN_TABLE_LINES + firstRows + spare, messageLines };
}

/** "terminal too small (needs 30×11)", shorter where that does not fit: all a too small terminal shows. */
export function tooSmallText(
  needs: { readonly columns: number; readonly rows: number },
  columns = Number.POSITIVE_INFINITY,
): string {
  const size = `${needs.columns}×${needs.rows}`;
  // The note itself must fit the terminal it says is too small: shorter words as it narrows.
  const forms = [`terminal too small (needs ${size})`, `too small: needs ${size}`, `needs ${size}`];
  return forms.find((form) => cellWidth(form) <= columns) ?? size;
}

/** Rows per page: the lines left after the column titles and, when paging, the footer. */
export function pageSize(count: number, height: number): number {
  const capacity = Math.max(1, height - 1);
  // The footer ("rows 1-9 of 40") gives way to the last row when there is room for one only.
  return count > capacity && capacity > 1 ? capacity - 1 : capacity;
}

/**
 * Which slice of the rows is on screen: whole pages, so rows do not jump while moving, and
 * the last page full (ending at the last row) rather than a few rows and blank space.
 */
export function pageOf(count: number, selected: number, size: number) {
  const page = Math.max(1, size);
  const aligned = selected < 0 ? 0 : Math.floor(selected / page) * page;
  const start = Math.max(0, Math.min(aligned, count - page));
  return { start, end: Math.min(count, start + page) };
}

/** The rows a table of `height` lines shows, and whether the page footer has a line. */
export function tablePage(count: number, selected: number, height: number) {
  const size = pageSize(count, height);
  // The footer only when a line is left for it: at the smallest size the row comes first.
  return { ...pageOf(count, selected, size), footer: count > size && height - 1 > size };
}

/** Lines of help per screen: all of them, or all but the scroll footer. */
export function helpPageSize(lines: number, height: number): number {
  return lines <= height ? lines : Math.max(1, height - 1);
}
