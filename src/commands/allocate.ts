import { allocate } from '../core/actions.js';
import { PmError } from '../core/errors.js';
import type { Port } from '../core/port.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson, projectHere } from './context.js';

export interface AllocateFlags {
  readonly port?: Port | undefined;
  readonly prefer?: Port | undefined;
  readonly force: boolean;
  /** Absolute, and checked to be a directory, by the flag table. */
  readonly path?: string | undefined;
}

const USAGE = 'pm allocate [<project>] <service> [--port N | --prefer N] [--force] [--path DIR]';

export async function runAllocate(
  ctx: Context,
  input: readonly string[],
  flags: AllocateFlags,
): Promise<number> {
  expectArgs(input, 1, 2, USAGE);
  if (flags.port !== undefined && flags.prefer !== undefined) {
    throw new PmError('USAGE', '--port and --prefer cannot be used together', {
      kind: 'exact-or-prefer',
    });
  }
  const [project, service] =
    input.length === 2
      ? (input as [string, string])
      : [await projectHere(ctx, 'allocate'), input[0] as string];
  const result = await allocate(ctx.deps, {
    project,
    service,
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.prefer !== undefined ? { prefer: flags.prefer } : {}),
    force: flags.force,
    ...(flags.path !== undefined ? { path: flags.path } : {}),
  });
  for (const warning of result.warnings) ctx.io.err(`warning: ${sanitize(warning)}`);
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
