import { resolve } from 'node:path';
import { allocate } from '../core/actions.js';
import { parsePort } from '../core/port.js';
import { type Context, expectArgs, printJson, projectHere } from './context.js';

export interface AllocateFlags {
  readonly port?: string;
  readonly prefer?: string;
  readonly force: boolean;
  readonly path?: string;
}

const USAGE = 'pm allocate [<project>] <service> [--port N | --prefer N] [--force] [--path DIR]';

export async function runAllocate(
  ctx: Context,
  input: readonly string[],
  flags: AllocateFlags,
): Promise<number> {
  expectArgs(input, 1, 2, USAGE);
  const [project, service] =
    input.length === 2
      ? (input as [string, string])
      : [await projectHere(ctx, 'pm allocate <project> <service>'), input[0] as string];
  const result = await allocate(ctx.deps, {
    project,
    service,
    ...(flags.port !== undefined ? { port: parsePort(flags.port, '--port') } : {}),
    ...(flags.prefer !== undefined ? { prefer: parsePort(flags.prefer, '--prefer') } : {}),
    force: flags.force,
    ...(flags.path !== undefined ? { path: resolve(flags.path) } : {}),
  });
  for (const warning of result.warnings) ctx.io.err(`warning: ${warning}`);
  if (ctx.json) {
    printJson(ctx.io, {
      project: result.project,
      service: result.service,
      port: result.port,
      created: result.created,
    });
  } else {
    // A bare port on stdout, so PORT=$(pm allocate shop web) just works.
    ctx.io.out(String(result.port));
  }
  return 0;
}
