import { resolve } from 'node:path';
import { allocate } from '../core/actions.js';
import { parsePort } from '../core/port.js';
import { type ProjectContext, requireProject } from '../core/project.js';
import { type Context, cwdOf, expectArgs, printJson } from './context.js';

export interface AllocateFlags {
  readonly port?: string;
  readonly prefer?: string;
  readonly force: boolean;
  readonly path?: string;
}

const USAGE = 'pm allocate [<project>] <service> [--port N | --prefer N] [--force] [--path DIR]';

/** A manifest's `prefer` for the service, unless the command line says otherwise. */
function declaredPrefer(
  here: ProjectContext | undefined,
  service: string,
  flags: AllocateFlags,
): { prefer?: number } {
  if (flags.port !== undefined) return {};
  const prefer = here?.manifest?.services.find((entry) => entry.service === service)?.prefer;
  return prefer !== undefined ? { prefer } : {};
}

export async function runAllocate(
  ctx: Context,
  input: readonly string[],
  flags: AllocateFlags,
): Promise<number> {
  expectArgs(input, 1, 2, USAGE);
  // `pm allocate web` inside a project (manifest, recorded path, worktree): dev scripts need
  // not repeat its name. An inferred project gets its place recorded, like `pm up` does.
  const here =
    input.length === 2
      ? undefined
      : requireProject((await ctx.deps.store.read()).registry, cwdOf(ctx));
  const [project, service] =
    input.length === 2 ? (input as [string, string]) : [here!.project, input[0] as string];
  const inferredPlace =
    here && flags.path === undefined
      ? {
          path: here.path,
          ...(here.worktreeOf !== undefined ? { worktreeOf: here.worktreeOf } : {}),
        }
      : {};
  const result = await allocate(ctx.deps, {
    project,
    service,
    ...inferredPlace,
    ...(flags.port !== undefined ? { port: parsePort(flags.port, '--port') } : {}),
    ...(flags.prefer !== undefined
      ? { prefer: parsePort(flags.prefer, '--prefer') }
      : declaredPrefer(here, service, flags)),
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
