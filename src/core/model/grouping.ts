// Worktrees are shown under the project they belong to: its rows first, then each worktree's
// rows, so `shop`, `shop-feat`, `shop-fix` read as one group even when another project's name
// sorts between them. Both front ends (pm status, the dashboard) order rows with this.

export interface Groupable {
  readonly project: string;
  /** Set on rows of a linked worktree: the project it belongs to. */
  readonly worktreeOf?: string;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Stable: rows of one project keep their order. Groups sort by the owning project's name;
 * within a group the project itself comes first, then its worktrees by name. A worktree whose
 * project has no rows still sits where that project would.
 */
export function groupWorktrees<T extends Groupable>(rows: readonly T[]): T[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const groupA = a.row.worktreeOf ?? a.row.project;
      const groupB = b.row.worktreeOf ?? b.row.project;
      if (groupA !== groupB) return compare(groupA, groupB);
      const worktreeA = a.row.worktreeOf === undefined ? 0 : 1;
      const worktreeB = b.row.worktreeOf === undefined ? 0 : 1;
      if (worktreeA !== worktreeB) return worktreeA - worktreeB;
      if (a.row.project !== b.row.project) return compare(a.row.project, b.row.project);
      return a.index - b.index;
    })
    .map(({ row }) => row);
}

/** How the PROJECT cell reads: a worktree's name (already made printable) indented. */
export function projectLabel(name: string, worktreeOf: string | undefined): string {
  return worktreeOf === undefined ? name : `  ${name}`;
}
