// How the screen's lines are shared out: fixed chrome, the panel of the current action, and
// the table gets the rest. Kept below the terminal's height: output as tall as the terminal
// makes Ink clear the whole screen on every frame, which flickers.
import type { Overlay } from './state.js';
import { fieldsOf } from './state.js';

/** Header (2), spacer, message and hint, help bar, and the line Ink keeps below the output. */
export const CHROME_LINES = 7;
const MIN_TABLE_LINES = 2;
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

/** Lines for the table (or the help screen), column titles included. */
export function tableHeight(terminalRows: number, overlay: Overlay): number {
  return Math.max(MIN_TABLE_LINES, terminalRows - CHROME_LINES - panelHeight(overlay));
}

/** Rows per page: the lines left after the column titles and, when paging, the footer. */
export function pageSize(count: number, height: number): number {
  const capacity = Math.max(1, height - 1);
  return count > capacity ? Math.max(1, capacity - 1) : capacity;
}

/** Which slice of the rows is on screen: whole pages, so rows do not jump while moving. */
export function pageOf(count: number, selected: number, size: number) {
  const page = Math.max(1, size);
  const start = selected < 0 ? 0 : Math.floor(selected / page) * page;
  return { start, end: Math.min(count, start + page) };
}

/** Lines of help per screen: all of them, or all but the scroll footer. */
export function helpPageSize(lines: number, height: number): number {
  return lines <= height ? lines : Math.max(1, height - 1);
}
