// The words and cells of the dashboard's lines, without Ink or React: the components wrap
// them in <Text>, and the first frame (first-frame.ts) paints them as plain strings before
// Ink has loaded. One source, so the two cannot drift apart.
import type { StatusView } from '../../core/actions/index.js';
import { sanitize } from '../../view/sanitize.js';
import { type FittedColumn, fitCell, joinCells, MARKER_WIDTH } from '../../view/table.js';
import { cellWidth } from '../../view/width.js';
import {
  type HintItem,
  hintsFor,
  type KeyAction,
  type KeySituation,
  type Mode,
} from '../keys/keymap.js';
import { type Message, messageOf } from '../model/messages.js';
import type { DashboardRow, DashboardRows } from '../model/rows.js';
import type { SortKey } from '../model/sort.js';

export interface HeaderFacts {
  readonly range: string;
  readonly intervalMs: number;
  readonly allocations: number;
  readonly active: number;
  readonly shown: number;
  readonly filter: string;
  readonly showUnmanaged: boolean;
  /** The order `o` chose; undefined is the registry's, by project. */
  readonly sort?: SortKey | undefined;
}

/** The header's words: after "pm", where the registry is; after "scanner", which one. */
export function headerWords(
  registryPath: string,
  backend: string,
  scannerAvailable: boolean,
): { readonly registry: string; readonly scanner: string } {
  return {
    registry: `registry ${sanitize(registryPath)}`,
    scanner: scannerAvailable ? backend : `${backend} (unavailable)`,
  };
}

function every(intervalMs: number): string {
  return intervalMs % 1000 === 0 ? `every ${intervalMs / 1000} s` : `every ${intervalMs} ms`;
}

/** The second header line after the scanner's name: what the table shows, how often. */
export function headerFacts(facts: HeaderFacts): string {
  return [
    `range ${facts.range}`,
    `${facts.allocations} allocated, ${facts.active} active`,
    facts.filter === '' ? undefined : `filter "${facts.filter}": ${facts.shown} shown`,
    facts.showUnmanaged ? 'unmanaged shown' : undefined,
    `sort ${facts.sort ?? 'project'}`,
    every(facts.intervalMs),
  ]
    .filter((fact) => fact !== undefined)
    .join(' · ');
}

/** Allocations that something listens on (conflicts included). */
export function activeCount(allocations: readonly DashboardRow[]): number {
  return allocations.filter((row) => row.state === 'active' || row.state === 'conflict').length;
}

/** Hints kept however narrow the terminal: how to get help and how to get out. */
const ESSENTIAL: ReadonlySet<KeyAction> = new Set([
  'help',
  'quit',
  'unfilter',
  'closeHelp',
  'closeMessage',
  'cancel',
  'confirmNo',
  'clearFilter',
  'closeDetail',
  'killNo',
]);

const SEPARATOR = '  ';
const hintText = (item: HintItem) => `${item.keys} ${item.label}`;

/**
 * The help bar's order, most used first, so what fits in a narrow terminal is what people
 * press most: acting on the selected row before moving around and the rarer views. Actions
 * not named keep their keymap order after these.
 */
const BY_USE: readonly KeyAction[] = [
  'detail',
  'allocate',
  'free',
  'kill',
  'copyUrl',
  'openUrl',
  'suggest',
  'filter',
  'up',
  'sort',
  'unmanaged',
  'refresh',
  'message',
];

function useRank(action: KeyAction): number {
  const rank = BY_USE.indexOf(action);
  return rank === -1 ? BY_USE.length : rank;
}

/**
 * The hints that fit the width, most used first; the rest are on the help screen. The
 * essential ones (help, the way out) are kept first, the others added while they still fit.
 */
export function helpBarText(mode: Mode, width: number, situation: KeySituation): string {
  const items = hintsFor(mode, situation)
    .map((item, index) => ({ item, index }))
    .sort((a, b) => useRank(a.item.action) - useRank(b.item.action) || a.index - b.index)
    .map(({ item }) => item);
  const lengthOf = (shown: readonly HintItem[]) =>
    shown.reduce(
      (sum, item, index) => sum + cellWidth(hintText(item)) + (index ? SEPARATOR.length : 0),
      0,
    );
  const shown = new Set(items.filter((item) => ESSENTIAL.has(item.action)));
  for (const item of items) {
    if (shown.has(item)) continue;
    const candidate = items.filter((other) => other === item || shown.has(other));
    if (lengthOf(candidate) <= width) shown.add(item);
  }
  return items
    .filter((item) => shown.has(item))
    .map(hintText)
    .join(SEPARATOR);
}

/** The column titles, after the selection marker's place. */
export function tableTitle(columns: readonly FittedColumn[]): string {
  return (
    ' '.repeat(MARKER_WIDTH) + joinCells(columns.map((c) => fitCell(c.column, c.width, c.align)))
  );
}

/** A row's line in three parts, so the state cell between them can be coloured. */
export interface RowParts {
  readonly marker: string;
  readonly before: string;
  readonly state: string | undefined;
  readonly after: string;
}

export function rowParts(
  row: DashboardRow,
  columns: readonly FittedColumn[],
  selected: boolean,
): RowParts {
  const stateAt = columns.findIndex((column) => column.column === 'STATE');
  const cell = (column: FittedColumn) =>
    fitCell(row.cells[column.column], column.width, column.align);
  const state = columns[stateAt];
  const before = joinCells(columns.slice(0, stateAt).map(cell));
  const after = joinCells(columns.slice(stateAt + 1).map(cell));
  return {
    marker: selected ? '› ' : ' '.repeat(MARKER_WIDTH),
    before: state && before !== '' ? `${before}  ` : before,
    state: state ? cell(state) : undefined,
    after: state && after !== '' ? `  ${after}` : after,
  };
}

/** Under a paged table: which rows are on screen. */
export function pageFooter(start: number, end: number, count: number): string {
  return `  rows ${start + 1}-${end} of ${count} (PgUp/PgDn)`;
}

/** What the table says when it has no rows. */
export function emptyTableText(registryUnreadable: boolean, filter: string): string {
  if (registryUnreadable) return 'the registry could not be read: see the message below';
  return filter !== ''
    ? `no rows match "${filter}" (Esc clears the filter)`
    : 'no allocations yet: press a to allocate a port';
}

/** A problem with the data itself: shown over anything but an action's own error. */
export function dataProblem(data: {
  readonly rows: DashboardRows;
  readonly registryError: unknown;
  readonly refreshError: unknown;
}): Message | undefined {
  if (data.registryError !== undefined) {
    const message = messageOf(data.registryError);
    const { text } = message;
    const shown = data.rows.allocations.length > 0 ? `showing the last good rows: ${text}` : text;
    return { ...message, text: shown };
  }
  return data.refreshError === undefined ? undefined : messageOf(data.refreshError);
}

/** Why states read unknown: shown when nothing else has to be said. */
export function scannerNote(view: StatusView | undefined): Message | undefined {
  const scanner = view?.scanner;
  if (!scanner || scanner.available) return undefined;
  return {
    tone: 'warning',
    text: `live state unknown: ${scanner.reason ?? 'the socket scanner is unavailable'}`,
    hint: "the registry still works; 'pm doctor' says more about the scanner",
  };
}
