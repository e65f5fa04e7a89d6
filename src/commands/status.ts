import { type StatusView, status } from '../core/actions.js';
import { type FittedColumn, fitCell, fitColumns, joinCells } from '../core/columns.js';
import { type Cells, rowCells, unmanagedCells } from '../core/display.js';
import { formatRange } from '../core/port.js';
import { type PortState, primaryListener } from '../core/status.js';
import { type Context, expectArgs, listenerJson, printJson } from './context.js';
import type { Style } from './style.js';

export function statusJson(view: StatusView, registryPath: string, all: boolean) {
  return {
    registry: registryPath,
    range: view.registry.defaults.range,
    scanner: view.scanner,
    allocations: view.rows.map((row) => {
      const first = primaryListener(row.moved?.listeners ?? row.listeners);
      return {
        project: row.project,
        service: row.service,
        port: row.port,
        state: row.state,
        moved_to: row.moved?.port ?? null,
        pid: first?.pid ?? null,
        process: first?.process ?? null,
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

function paintState(style: Style, state: string): string {
  const paint: Record<PortState | 'unmanaged', (text: string) => string> = {
    active: style.green,
    idle: style.dim,
    conflict: style.red,
    moved: style.yellow,
    unknown: style.yellow,
    unmanaged: style.yellow,
  };
  const word = state.split(' ')[0] as PortState;
  return (paint[word] ?? ((text: string) => text))(state);
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
  const fitted = fitColumns(cells, width, 0);
  const line = (text: (column: FittedColumn) => string) => joinCells(fitted.map(text)).trimEnd();
  return [
    style.bold(line(({ column, width: w, align }) => fitCell(column, w, align))),
    ...cells.map((row) =>
      line(({ column, width: w, align }) => {
        const text = fitCell(row[column], w, align);
        return column === 'STATE'
          ? text.replace(row[column], paintState(style, row[column]))
          : text;
      }),
    ),
  ].join('\n');
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
    ctx.io.err(`no allocations yet in ${registryPath}; try: pm allocate <project> <service>`);
  } else {
    ctx.io.out(renderStatusTable(view, ctx.style, flags.all, ctx.width));
  }
  if (!view.scanner.available) {
    ctx.io.err(`note: live state unknown: ${view.scanner.reason}`);
  } else if (!flags.all && view.unmanaged.length > 0) {
    ctx.io.err(
      ctx.style.dim(
        `${view.unmanaged.length} unallocated listener(s) in ${formatRange(view.registry.defaults.range)}; 'pm status --all' shows them`,
      ),
    );
  }
  return 0;
}
