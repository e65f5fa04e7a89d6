import { queryPort, queryProject, queryService } from '../core/actions.js';
import { parsePort } from '../core/port.js';
import { sanitize } from '../view/sanitize.js';
import { renderTable, type TableLayout } from '../view/table.js';
import { type Context, expectArgs, listenerJson, printJson } from './context.js';

const SERVICES_LAYOUT: TableLayout<'SERVICE' | 'PORT'> = {
  columns: ['SERVICE', 'PORT'],
  min: { SERVICE: 6, PORT: 4 },
  rightAligned: ['PORT'],
  steps: [{ share: ['SERVICE'] }],
};

export async function runQuery(ctx: Context, input: readonly string[]): Promise<number> {
  expectArgs(input, 1, 2, 'pm query <project> [<service>] | pm query :<port>');
  const [first, second] = input as [string, string | undefined];
  if (first.startsWith(':') && second === undefined) {
    const result = await queryPort(ctx.deps, parsePort(first));
    if (ctx.json) {
      printJson(ctx.io, {
        port: result.port,
        owner: result.owner
          ? { project: result.owner.project, service: result.owner.service }
          : null,
        listeners: result.listeners.map(listenerJson),
        scanner: result.scanner,
      });
      return 0;
    }
    const owner = result.owner
      ? sanitize(`${result.owner.project}/${result.owner.service}`)
      : 'not allocated';
    ctx.io.out(`port ${result.port}: ${owner}`);
    if (!result.scanner.available) {
      ctx.io.out(`listening: unknown (${sanitize(result.scanner.reason ?? '')})`);
    } else if (result.listeners.length === 0) {
      ctx.io.out('listening: nothing');
    } else {
      for (const listener of result.listeners) {
        const who =
          listener.pid === undefined
            ? 'pid hidden (another user)'
            : `pid ${listener.pid} ${sanitize(listener.process ?? '?')}`;
        ctx.io.out(
          `listening: ${listener.protocol} ${sanitize(listener.address)}:${listener.port} ${who}`,
        );
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
      services: result.services,
    });
  } else {
    ctx.io.out(
      renderTable(
        SERVICES_LAYOUT,
        result.services.map(({ service, port }) => ({
          SERVICE: sanitize(service),
          PORT: String(port),
        })),
        { ...(ctx.width === undefined ? {} : { width: ctx.width }) },
      ),
    );
  }
  return 0;
}
