import { type StatusView, status } from '../core/actions/index.js';
import { formatRange } from '../core/model/port.js';
import { primaryListener } from '../core/model/status.js';
import { type Cells, type DisplayState, rowCells, unmanagedCells } from '../view/cells.js';
import { STATE_PALETTE } from '../view/palette.js';
import { sanitize } from '../view/sanitize.js';
import { paint, type Style } from '../view/style.js';
import { renderTable, STATUS_LAYOUT } from '../view/table.js';
import { type Context, expectArgs, listenerJson, printJson } from './context.js';

export function statusJson(view: StatusView, registryPath: string, all: boolean) {
  return {
    registry: registryPath,
    range: view.registry.defaults.range,
    scanner: view.scanner,
    allocations: view.rows.map((row) => {
      // A moved row names the process found on the port it moved to.
      const first = primaryListener(row.moved?.listeners ?? row.listeners);
      return {
        project: row.project,
        service: row.service,
        port: row.port,
        state: row.state,
        worktree: row.worktreeOf ?? null,
        moved_to: row.moved?.port ?? null,
        pid: first?.pid ?? null,
        process: first?.process ?? null,
        program: first?.program ?? null,
        command: first?.command ?? null,
        address: first?.address ?? null,
        listeners: row.listeners.map(listenerJson),
      };
    }),
    ...(all
      ? {
          unmanaged: view.unmanaged.map((row) => ({
            port: row.port,
            listeners: row.listeners.map(listenerJson),
          })),
          listeners: view.scan.ok ? view.scan.listeners.map(listenerJson) : [],
        }
      : {}),
  };
}

/** 'moved → 5174' is painted as moved. */
function stateOfCell(text: string): DisplayState {
  return text.split(' ')[0] as DisplayState;
}

/**
 * The table as text, laid out like the dashboard's. With `width` (a terminal) every row stays
 * one line; without (a pipe, a log) every cell is printed whole.
 */
export function renderStatusTable(
  view: StatusView,
  style: Style,
  all: boolean,
  width = Number.POSITIVE_INFINITY,
): string {
  const cells: Cells[] = [
    ...view.rows.map(rowCells),
    ...(all ? view.unmanaged.map(unmanagedCells) : []),
  ];
  return renderTable(STATUS_LAYOUT, cells, {
    width,
    title: style.bold,
    paint: (column, row, text) =>
      column === 'STATE'
        ? text.replace(row.STATE, paint(style, STATE_PALETTE[stateOfCell(row.STATE)], row.STATE))
        : text,
  });
}

export async function runStatus(
  ctx: Context,
  input: readonly string[],
  flags: { readonly all: boolean },
  registryPath: string,
): Promise<number> {
  expectArgs(input, 0, 0, 'pm status [--all] [--json]');
  const view = await status(ctx.deps, { all: flags.all });
  if (ctx.json) {
    printJson(ctx.io, statusJson(view, registryPath, flags.all));
    return 0;
  }
  if (view.rows.length === 0 && !(flags.all && view.unmanaged.length > 0)) {
    ctx.io.err(
      `no allocations yet in ${sanitize(registryPath)}; try: pm allocate <project> <service>`,
    );
  } else {
    ctx.io.out(renderStatusTable(view, ctx.style, flags.all, ctx.width));
  }
  if (!view.scanner.available) {
    ctx.io.err(`note: live state unknown: ${sanitize(view.scanner.reason ?? '')}`);
  } else if (!flags.all && view.unmanaged.length > 0) {
    ctx.io.err(
      ctx.style.dim(
        `${view.unmanaged.length} unallocated listener(s) in ${formatRange(view.registry.defaults.range)}; 'pm status --all' shows them`,
      ),
    );
  }
  return 0;
}
