import { type AllocateResult, allocate } from '../core/actions/index.js';
import { PmError } from '../core/errors.js';
import type { Port } from '../core/model/port.js';
import type { ProjectContext } from '../core/project/inference.js';
import { declaredChoice, type PortStrategy } from '../core/project/manifest.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson, projectHereFor } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const allocateSpec: CommandSpec = {
  name: 'allocate',
  args: 'project-service',
  usage: [
    'allocate <project> <service> [--port N | --prefer N] [--force] [--path DIR]',
    'allocate <service>   (for the project of the current directory: .pm.toml or recorded path)',
  ],
  summary: 'hand out a port, or the one already handed out; prints just the port',
  examples: [
    'PORT=$(pm allocate shop web) npm run dev',
    'pm allocate shop api --prefer 4000',
    'pm allocate shop web --path .',
  ],
  flags: ['port', 'prefer', 'force', 'path'],
  run: ({ ctx, input, flags }) => runAllocate(ctx, input, flags),
};

const USAGE = usageLine(allocateSpec);

export interface AllocateFlags {
  readonly port?: Port | undefined;
  readonly prefer?: Port | undefined;
  readonly force: boolean;
  /** Absolute, and checked to be a directory, by the flag table. */
  readonly path?: string | undefined;
}

/** A manifest's `prefer` and `strategy` for the service, unless the command line says otherwise. */
function declaredPrefer(
  here: ProjectContext | undefined,
  service: string,
  flags: AllocateFlags,
): { prefer?: number; strategy?: PortStrategy } {
  if (flags.port !== undefined) return {};
  return declaredChoice(here?.manifest, service);
}

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
  const result = await allocateFor(
    ctx,
    input.length === 2 ? input[0] : undefined,
    input.at(-1) as string,
    flags,
  );
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

/**
 * `pm allocate`'s rule, shared with the MCP server's `port` tool: the named project, or the one
 * the working directory belongs to (manifest, recorded path, worktree), which then gets its
 * place recorded like `pm up` does, and the manifest's `prefer` unless a port is asked for.
 */
export async function allocateFor(
  ctx: Context,
  named: string | undefined,
  service: string,
  flags: AllocateFlags,
): Promise<AllocateResult> {
  // `pm allocate web` inside a project (manifest, recorded path, worktree): dev scripts need
  // not repeat its name.
  const here = named !== undefined ? undefined : await projectHereFor(ctx, 'allocate');
  const project = named ?? here!.project;
  const inferredPlace =
    here && flags.path === undefined
      ? {
          path: here.path,
          ...(here.worktreeOf !== undefined ? { worktreeOf: here.worktreeOf } : {}),
        }
      : {};
  return allocate(ctx.deps, {
    project,
    service,
    ...inferredPlace,
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.prefer !== undefined
      ? { prefer: flags.prefer }
      : declaredPrefer(here, service, flags)),
    force: flags.force,
    ...(flags.path !== undefined ? { path: flags.path } : {}),
  });
}
