import { type StatusView, status } from '../core/actions.js';
import { type FittedColumn, fitCell, fitColumns, joinCells } from '../core/columns.js';
import { type Cells, COLUMNS, rowCells, unmanagedCells } from '../core/display.js';
import { formatRange } from '../core/port.js';
import type { PortState } from '../core/status.js';
import { type Context, expectArgs, listenerJson, printJson } from './context.js';
import type { Style } from './style.js';
import { renderTable } from './text-table.js';

export function statusJson(view: StatusView, registryPath: string, all: boolean) {
  return {
    registry: registryPath,
    range: view.registry.defaults.range,
    scanner: view.scanner,
    allocations: view.rows.map((row) => {
      const first =
        row.listeners.find((listener) => listener.pid !== undefined) ?? row.listeners[0];
      return {
        project: row.project,
        service: row.service,
        port: row.port,
        state: row.state,
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
    unknown: style.yellow,
    unmanaged: style.yellow,
  };
  return (paint[state as PortState] ?? ((text: string) => text))(state);
}

/**
 * The table as text. With `width` (a terminal) it is fitted like the dashboard's, every row one
 * line; without (a pipe, a log) every cell is printed whole.
 */
export function renderStatusTable(
  view: StatusView,
  style: Style,
  all: boolean,
  width?: number,
): string {
  const cells: Cells[] = [
    ...view.rows.map(rowCells),
    ...(all ? view.unmanaged.map(unmanagedCells) : []),
  ];
  const paint = (column: string, text: string, raw: string) =>
    column === 'STATE' ? text.replace(raw, paintState(style, raw)) : text;
  if (width === undefined) {
    return renderTable(
      COLUMNS,
      cells.map((row) => COLUMNS.map((column) => paint(column, row[column], row[column]))),
      { rightAligned: [2, 4], header: style.bold },
    );
  }
  const fitted = fitColumns(cells, width, 0);
  const line = (texts: (column: FittedColumn) => string) =>
    joinCells(fitted.map((column) => texts(column))).trimEnd();
  return [
    style.bold(line(({ column, width: w, align }) => fitCell(column, w, align))),
    ...cells.map((row) =>
      line(({ column, width: w, align }) =>
        paint(column, fitCell(row[column], w, align), row[column]),
      ),
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
