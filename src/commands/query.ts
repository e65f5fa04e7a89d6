import { type PortQuery, queryPort, queryProject, queryService } from '../core/actions/index.js';
import { containerLabel, shortId } from '../core/model/containers.js';
import { parsePort } from '../core/model/port.js';
import { processLabel } from '../core/model/program.js';
import { withProgram } from '../core/model/status.js';
import type { Listener, ListenerContainer } from '../core/ports.js';
import { requireProject } from '../core/project/inference.js';
import { sanitize } from '../view/sanitize.js';
import { renderTable, type TableLayout } from '../view/table.js';
import { type Context, expectArgs, listenerJson, printJson, searchOptions } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const querySpec: CommandSpec = {
  name: 'query',
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

const SERVICES_LAYOUT: TableLayout<'SERVICE' | 'PORT' | 'STATE'> = {
  columns: ['SERVICE', 'PORT', 'STATE'],
  min: { SERVICE: 6, PORT: 4, STATE: 5 },
  rightAligned: ['PORT'],
  steps: [{ share: ['SERVICE'] }],
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

/** `pm query :<port> --json`, also the MCP `who` tool's answer (which adds to each listener). */
export function portJson(result: PortQuery) {
  return {
    port: result.port,
    owner: result.owner ? { project: result.owner.project, service: result.owner.service } : null,
    path: result.path ?? null,
    state: result.state ?? null,
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
    if (ctx.json) {
      printJson(ctx.io, portJson(result));
      return 0;
    }
    const owner = result.owner
      ? sanitize(`${result.owner.project}/${result.owner.service}`)
      : 'not allocated';
    ctx.io.out(`port ${result.port}: ${owner}${result.state ? ` (${result.state})` : ''}`);
    if (result.owner) ctx.io.out(pathLine(result.owner.project, result.path));
    if (!result.scanner.available) {
      ctx.io.out(`listening: unknown (${sanitize(result.scanner.reason ?? '')})`);
    } else if (result.listeners.length === 0) {
      ctx.io.out('listening: nothing');
    } else {
      for (const listener of result.listeners.map(withProgram)) {
        const who = listener.container
          ? containerWho(listener.container)
          : listener.pid === undefined
            ? 'pid hidden (another user)'
            : `pid ${listener.pid} ${sanitize(processLabel(listener.process, listener.program) ?? '?')}`;
        ctx.io.out(
          `listening: ${listener.protocol} ${sanitize(listener.address)}:${listener.port} ${who}`,
        );
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
  const result = await queryProject(ctx.deps, first);
  if (ctx.json) {
    printJson(ctx.io, {
      project: result.project,
      path: result.path ?? null,
      services: result.services.map(({ service, port, state }) => ({ service, port, state })),
      scanner: result.scanner,
    });
  } else {
    ctx.io.out(pathLine(result.project, result.path));
    ctx.io.out(
      renderTable(
        SERVICES_LAYOUT,
        result.services.map(({ service, port, state }) => ({
          SERVICE: sanitize(service),
          PORT: String(port),
          STATE: state,
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
