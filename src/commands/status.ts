import { type StatusView, status } from '../core/actions/index.js';
import { PmError } from '../core/errors.js';
import { parseName } from '../core/model/names.js';
import { formatRange } from '../core/model/port.js';
import { type NameUrls, nameUrls, type ProxyEndpoint } from '../core/model/proxy-config.js';
import { primaryListener } from '../core/model/status.js';
import {
  type Cells,
  COLUMNS,
  type Column,
  type DisplayState,
  NONE,
  rowCells,
  unmanagedCells,
} from '../view/cells.js';
import { STATE_PALETTE } from '../view/palette.js';
import { sanitize } from '../view/sanitize.js';
import { paint, type Style } from '../view/style.js';
import { renderTable, STATUS_LAYOUT, type TableLayout } from '../view/table.js';
import {
  type Context,
  containerJson,
  expectArgs,
  listenerJson,
  printJson,
  projectHereFor,
} from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const statusSpec: CommandSpec = {
  name: 'status',
  usage: [
    'status [--all]',
    'status <project> | status .   (one project and its worktrees; . is the current directory’s)',
  ],
  summary: 'the allocation table with who listens on each port, once',
  examples: ['pm status', 'pm status --all --json', 'pm status shop', 'pm status . --json'],
  flags: ['all'],
  run: ({ ctx, input, flags, environment }) =>
    runStatus(ctx, input, { all: flags.all }, environment.registryPath),
};

const USAGE = usageLine(statusSpec);

/** While `pm proxy` runs: each allocation's URL by name, keyed `project/service`. */
export function proxyNames(
  view: StatusView,
  proxy: ProxyEndpoint | undefined,
): ReadonlyMap<string, NameUrls> {
  return proxy === undefined ? new Map() : nameUrls(view.registry, proxy);
}

export function statusJson(
  view: StatusView,
  registryPath: string,
  all: boolean,
  proxy?: ProxyEndpoint,
) {
  const names = proxyNames(view, proxy);
  return {
    registry: registryPath,
    range: view.registry.defaults.range,
    scanner: view.scanner,
    proxy:
      proxy === undefined
        ? null
        : { http_port: proxy.httpPort, https_port: proxy.httpsPort, admin: proxy.admin },
    allocations: view.rows.map((row) => {
      // A moved row names the process found on the port it moved to.
      const first = primaryListener(row.moved?.listeners ?? row.listeners);
      const name = names.get(`${row.project}/${row.service}`);
      return {
        project: row.project,
        service: row.service,
        port: row.port,
        state: row.state,
        worktree: row.worktreeOf ?? null,
        moved_to: row.moved?.port ?? null,
        /** conflict: the service whose pm run process holds this port, else null. */
        held_by: row.heldBy ?? null,
        pid: first?.pid ?? null,
        process: first?.process ?? null,
        program: first?.program ?? null,
        command: first?.command ?? null,
        address: first?.address ?? null,
        container: containerJson(first?.container),
        listeners: row.listeners.map(listenerJson),
        proxy_url: name?.url ?? null,
        proxy_https_url: name?.httpsUrl ?? null,
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

/** The status table with each name's URL last, while `pm proxy` runs. */
const WITH_URL_LAYOUT: TableLayout<Column | 'URL'> = {
  ...STATUS_LAYOUT,
  columns: [...COLUMNS, 'URL'],
  min: { ...STATUS_LAYOUT.min, URL: 12 },
  steps: [
    { shrink: 'ADDRESS' },
    { drop: 'ADDRESS' },
    { shrink: 'PROCESS' },
    { drop: 'PROCESS' },
    { shrink: 'URL' },
    { share: ['PROJECT', 'SERVICE'] },
    { drop: 'PID' },
    { drop: 'URL' },
  ],
};

/**
 * The table as text, laid out like the dashboard's. With `width` (a terminal) every row stays
 * one line; without (a pipe, a log) every cell is printed whole. While `proxy` runs, a URL
 * column gives each allocation's name.
 */
export function renderStatusTable(
  view: StatusView,
  style: Style,
  all: boolean,
  width = Number.POSITIVE_INFINITY,
  proxy?: ProxyEndpoint,
): string {
  const names = proxyNames(view, proxy);
  const cells: (Cells & { URL: string })[] = [
    ...view.rows.map((row) => ({
      ...rowCells(row),
      URL: names.get(`${row.project}/${row.service}`)?.url ?? NONE,
    })),
    ...(all ? view.unmanaged.map((row) => ({ ...unmanagedCells(row), URL: NONE })) : []),
  ];
  const layout: TableLayout<Column | 'URL'> = proxy
    ? WITH_URL_LAYOUT
    : { ...STATUS_LAYOUT, min: WITH_URL_LAYOUT.min };
  return renderTable(layout, cells, {
    width,
    title: style.bold,
    paint: (column, row, text) =>
      column === 'STATE'
        ? text.replace(row.STATE, paint(style, STATE_PALETTE[stateOfCell(row.STATE)], row.STATE))
        : text,
  });
}

/** One project and its linked worktrees: the rows of `pm status <project>`. */
export function projectRows(view: StatusView, project: string): StatusView {
  const rows = view.rows.filter((row) => row.project === project || row.worktreeOf === project);
  if (rows.length === 0) {
    throw new PmError('NOT_FOUND', `project '${project}' has no allocations`, {
      kind: 'allocate',
      project,
    });
  }
  return { ...view, rows };
}

/** `.` is the project of the working directory; a worktree shows the project it belongs to. */
async function namedProject(ctx: Context, input: readonly string[]): Promise<string | undefined> {
  const [named] = input;
  if (named === undefined) return undefined;
  if (named !== '.') return parseName(named, 'project');
  const here = await projectHereFor(ctx, 'status');
  return here.worktreeOf ?? here.project;
}

export async function runStatus(
  ctx: Context,
  input: readonly string[],
  flags: { readonly all: boolean },
  registryPath: string,
): Promise<number> {
  expectArgs(input, 0, 1, USAGE);
  const project = await namedProject(ctx, input);
  const [whole, proxy] = await Promise.all([
    status(ctx.deps, { all: flags.all }),
    ctx.deps.proxy?.(),
  ]);
  const view = project === undefined ? whole : projectRows(whole, project);
  if (ctx.json) {
    printJson(ctx.io, {
      ...(project !== undefined ? { project } : {}),
      ...statusJson(view, registryPath, flags.all, proxy),
    });
    return 0;
  }
  if (view.rows.length === 0 && !(flags.all && view.unmanaged.length > 0)) {
    ctx.io.err(
      `no allocations yet in ${sanitize(registryPath)}; try: pm allocate <project> <service>`,
    );
  } else {
    ctx.io.out(renderStatusTable(view, ctx.style, flags.all, ctx.width, proxy));
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
