import { type PortQuery, queryPort, queryProject, queryService } from '../core/actions/index.js';
import { proxyUrls } from '../core/actions/proxy-urls.js';
import { isPmError, PmError } from '../core/errors.js';
import { containerLabel, shortId } from '../core/model/containers.js';
import { hiddenPid } from '../core/model/explain.js';
import { isPort, parsePort } from '../core/model/port.js';
import { processLabel } from '../core/model/program.js';
import { type NamedListener, withProgram } from '../core/model/status.js';
import type { Listener, ListenerContainer } from '../core/ports.js';
import { requireProject } from '../core/project/inference.js';
import { rowCells } from '../view/cells.js';
import { endpoint } from '../view/endpoint.js';
import { sanitize } from '../view/sanitize.js';
import { renderTable, type TableLayout } from '../view/table.js';
import { type Context, expectArgs, listenerJson, printJson, searchOptions } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const querySpec: CommandSpec = {
  name: 'query',
  args: 'project-service',
  usage: [
    'query <project> [<service>]',
    'query :<port>',
    'query   (the services of the project of the current directory)',
  ],
  summary: 'look up allocations, or who owns a port and who listens on it now',
  examples: ['pm query shop', 'pm query shop web', 'pm query :3000', 'pm query'],
  flags: [],
  run: ({ ctx, input }) => runQuery(ctx, input),
};

const USAGE = usageLine(querySpec);

const SERVICES_LAYOUT: TableLayout<'SERVICE' | 'PORT' | 'STATE' | 'URL'> = {
  columns: ['SERVICE', 'PORT', 'STATE'],
  min: { SERVICE: 6, PORT: 4, STATE: 5, URL: 12 },
  rightAligned: ['PORT'],
  steps: [{ share: ['SERVICE'] }],
};

/** While `pm proxy` runs: each service's name, last (cut before the rest, then dropped). */
const SERVICES_WITH_URL_LAYOUT: typeof SERVICES_LAYOUT = {
  ...SERVICES_LAYOUT,
  columns: ['SERVICE', 'PORT', 'STATE', 'URL'],
  steps: [{ shrink: 'URL' }, { share: ['SERVICE'] }, { drop: 'URL' }],
};

/** Where the project lives, or how to record it: conflict detection needs it. */
function pathLine(project: string, path: string | undefined): string {
  return path === undefined
    ? `path: not recorded (pm allocate ${sanitize(project)} <service> --path DIR records it; without it pm cannot tell a conflict)`
    : `path: ${sanitize(path)}`;
}

/**
 * Why a port is in conflict: the listeners whose directory is outside the project's path,
 * each with that directory.
 */
function conflictLines(ctx: Context, listeners: readonly Listener[], path: string): string[] {
  const lines: string[] = [];
  for (const listener of listeners.map(withProgram)) {
    if (listener.pid === undefined) continue;
    const cwd = ctx.deps.cwdOf?.(listener.pid);
    if (cwd === undefined) continue;
    const name = processLabel(listener.process, listener.program) ?? '?';
    lines.push(
      `conflict: pid ${listener.pid} ${sanitize(name)} runs in ${sanitize(cwd)}, outside ${sanitize(path)}`,
    );
  }
  return lines;
}

/** `container web-1 (postgres:16) id 0123456789ab, compose shop/db, port 80 inside`. */
function containerWho(container: ListenerContainer): string {
  const compose =
    container.composeProject !== undefined
      ? `, compose ${container.composeProject}/${container.composeService ?? '?'}`
      : '';
  return sanitize(
    `${containerLabel(container)} id ${shortId(container.id)}${compose}, port ${container.privatePort} inside`,
  );
}

/** `moved → 7777` as the table writes it: where the service listens is the point. */
function stateText(result: {
  readonly state?: string;
  readonly moved?: { readonly port: number };
}) {
  return result.moved ? `moved \u2192 ${result.moved.port}` : (result.state ?? '');
}

/** "tcp 127.0.0.1:7100 pid 4242 vite (node)". */
function listenerLine(listener: NamedListener): string {
  const who = listener.container
    ? containerWho(listener.container)
    : listener.pid === undefined
      ? hiddenPid(listener)
      : `pid ${listener.pid} ${sanitize(processLabel(listener.process, listener.program) ?? '?')}`;
  return `${listener.protocol} ${endpoint(listener.address, listener.port)} ${who}`;
}

/** `pm query 7100`: a project of that name has nothing, so the colon was most likely forgotten. */
function portForgotten(error: unknown, name: string): unknown {
  if (!isPmError(error) || error.code !== 'NOT_FOUND' || !/^\d{1,5}$/.test(name)) return error;
  if (!isPort(Number(name))) return error;
  return new PmError(error.code, error.message, `for port ${name}, write 'pm query :${name}'`, {
    cause: error,
  });
}

/** `pm query :<port> --json`, also the MCP `who` tool's answer (which adds to each listener). */
export function portJson(result: PortQuery) {
  return {
    port: result.port,
    owner: result.owner ? { project: result.owner.project, service: result.owner.service } : null,
    path: result.path ?? null,
    state: result.state ?? null,
    moved_to: result.moved?.port ?? null,
    listeners: result.listeners.map(listenerJson),
    scanner: result.scanner,
  };
}

export async function runQuery(ctx: Context, input: readonly string[]): Promise<number> {
  expectArgs(input, 0, 2, USAGE);
  const [first, second] =
    input.length === 0
      ? [
          requireProject((await ctx.deps.store.read()).registry, ctx.cwd, searchOptions(ctx))
            .project,
          undefined,
        ]
      : (input as [string, string | undefined]);
  if (first.startsWith(':') && second === undefined) {
    const result = await queryPort(ctx.deps, parsePort(first));
    const name = result.owner
      ? (await proxyUrls(ctx.deps, result.owner.project)).get(result.owner.service)
      : undefined;
    if (ctx.json) {
      printJson(ctx.io, { ...portJson(result), proxy_url: name ?? null });
      return 0;
    }
    const owner = result.owner
      ? sanitize(`${result.owner.project}/${result.owner.service}`)
      : 'not allocated';
    ctx.io.out(`port ${result.port}: ${owner}${result.state ? ` (${stateText(result)})` : ''}`);
    if (result.owner) ctx.io.out(pathLine(result.owner.project, result.path));
    if (name !== undefined) ctx.io.out(`name: ${sanitize(name)} (pm proxy)`);
    if (!result.scanner.available) {
      ctx.io.out(`listening: unknown (${sanitize(result.scanner.reason ?? '')})`);
    } else if (result.listeners.length === 0 && result.moved === undefined) {
      ctx.io.out('listening: nothing');
    } else {
      // A moved service: nothing on its port, its own process on the one it moved to.
      for (const listener of [...result.listeners, ...(result.moved?.listeners ?? [])]) {
        ctx.io.out(`listening: ${listenerLine(withProgram(listener))}`);
      }
      if (result.state === 'conflict' && result.path !== undefined) {
        for (const line of conflictLines(ctx, result.listeners, result.path)) ctx.io.out(line);
      }
    }
    return 0;
  }
  if (second !== undefined) {
    const allocation = await queryService(ctx.deps, first, second);
    if (ctx.json) printJson(ctx.io, allocation);
    else ctx.io.out(String(allocation.port));
    return 0;
  }
  const result = await queryProject(ctx.deps, first).catch((error: unknown) => {
    throw portForgotten(error, first);
  });
  const names = await proxyUrls(ctx.deps, result.project);
  if (ctx.json) {
    printJson(ctx.io, {
      project: result.project,
      path: result.path ?? null,
      services: result.services.map(({ service, port, state, moved }) => ({
        service,
        port,
        state,
        moved_to: moved?.port ?? null,
        proxy_url: names.get(service) ?? null,
      })),
      scanner: result.scanner,
    });
  } else {
    ctx.io.out(pathLine(result.project, result.path));
    ctx.io.out(
      renderTable(
        names.size > 0 ? SERVICES_WITH_URL_LAYOUT : SERVICES_LAYOUT,
        result.services.map((row) => ({
          SERVICE: sanitize(row.service),
          PORT: String(row.port),
          STATE: rowCells(row).STATE,
          URL: sanitize(names.get(row.service) ?? ''),
        })),
        { ...(ctx.width === undefined ? {} : { width: ctx.width }) },
      ),
    );
    for (const row of result.services) {
      if (row.state !== 'conflict' || result.path === undefined) continue;
      for (const line of conflictLines(ctx, row.listeners, result.path)) {
        ctx.io.out(`${sanitize(row.service)} ${line}`);
      }
    }
  }
  return 0;
}
