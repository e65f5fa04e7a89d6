// The orders `o` cycles through. 'project' is the registry's own order (projects by name,
// worktrees under the project they belong to), so it keeps that grouping.
import type { DashboardRow } from './rows.js';

export const SORT_KEYS = ['project', 'port', 'state', 'process'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export function nextSort(current: SortKey | undefined): SortKey {
  const index = SORT_KEYS.indexOf(current ?? 'project');
  return SORT_KEYS[(index + 1) % SORT_KEYS.length] as SortKey;
}

/** Rows that need attention first. */
const STATE_ORDER = ['conflict', 'moved', 'active', 'unmanaged', 'idle', 'unknown'];

const byPort = (a: DashboardRow, b: DashboardRow) => a.port - b.port;

const COMPARE: Readonly<
  Record<SortKey, ((a: DashboardRow, b: DashboardRow) => number) | undefined>
> = {
  project: undefined,
  port: byPort,
  state: (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || byPort(a, b),
  // Rows without a process ('-') last; then by name, then by port.
  process: (a, b) => {
    const none = Number(a.cells.PROCESS === '-') - Number(b.cells.PROCESS === '-');
    return none || a.cells.PROCESS.localeCompare(b.cells.PROCESS) || byPort(a, b);
  },
};

/**
 * The rows in `sort` order. A worktree is indented under its project only while grouped (by
 * project): sorted otherwise, the row above it is unrelated, so it is not indented.
 */
export function sortRows(rows: readonly DashboardRow[], sort: SortKey | undefined): DashboardRow[] {
  const compare = COMPARE[sort ?? 'project'];
  if (!compare) return [...rows];
  return [...rows].sort(compare).map(ungrouped);
}

function ungrouped(row: DashboardRow): DashboardRow {
  const project = row.cells.PROJECT.trimStart();
  return project === row.cells.PROJECT
    ? row
    : { ...row, cells: { ...row.cells, PROJECT: project } };
}
