import { type FreeTarget, free } from '../core/actions/index.js';
import { PmError } from '../core/errors.js';
import { parsePort } from '../core/model/port.js';
import { inferProject, noProjectError } from '../core/project/inference.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson, searchOptions } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const freeSpec: CommandSpec = {
  name: 'free',
  usage: [
    'free <project> <service>',
    'free <project> --all',
    'free :<port>',
    'free <service>   (of the project of the current directory)',
    'free --all   (every service of the project of the current directory)',
  ],
  summary: 'release one service, every service of a project, or whoever owns a port',
  examples: ['pm free shop web', 'pm free shop --all', 'pm free :3000', 'pm free --all'],
  flags: ['all'],
  flagNotes: { all: 'release every service of the project' },
  run: ({ ctx, input, flags }) => runFree(ctx, input, flags),
};

const USAGE = usageLine(freeSpec);

/** The project of the working directory, for the forms that leave it out. */
export interface ProjectHere {
  /** Undefined when none is declared or recorded there. */
  readonly project: string | undefined;
  readonly cwd: string;
}

export function parseFreeTarget(
  input: readonly string[],
  all: boolean,
  here: ProjectHere = { project: undefined, cwd: '.' },
): FreeTarget {
  expectArgs(input, all ? 0 : 1, 2, USAGE);
  if (input.length === 0) {
    if (here.project === undefined) throw noProjectError(here.cwd);
    return { kind: 'project', project: here.project };
  }
  const [first, second] = input as [string, string | undefined];
  if (first.startsWith(':')) {
    if (second !== undefined || all)
      throw new PmError('USAGE', `free :<port> takes no other arguments: usage: ${USAGE}`);
    return { kind: 'port', port: parsePort(first) };
  }
  if (all) {
    if (second !== undefined)
      throw new PmError(
        'USAGE',
        `--all frees every service of a project; drop '${second}': usage: ${USAGE}`,
      );
    return { kind: 'project', project: first };
  }
  if (second === undefined) {
    if (here.project !== undefined)
      return { kind: 'service', project: here.project, service: first };
    throw new PmError(
      'USAGE',
      `name the service to free, or pass --all for every service of '${first}' (no project is declared or recorded here to free a service '${first}' of): usage: ${USAGE}`,
    );
  }
  return { kind: 'service', project: first, service: second };
}

/** Whether the arguments leave the project to the working directory. */
function leavesProjectOut(input: readonly string[], all: boolean): boolean {
  if (input.length === 0) return true;
  return input.length === 1 && !all && !(input[0] as string).startsWith(':');
}

export async function runFree(
  ctx: Context,
  input: readonly string[],
  flags: { readonly all: boolean },
): Promise<number> {
  const cwd = ctx.cwd;
  const project = leavesProjectOut(input, flags.all)
    ? inferProject((await ctx.deps.store.read()).registry, cwd, searchOptions(ctx))?.project
    : undefined;
  const freed = await free(ctx.deps, parseFreeTarget(input, flags.all, { project, cwd }));
  if (ctx.json) {
    printJson(ctx.io, {
      freed: freed.map(({ project, service, port }) => ({ project, service, port })),
    });
  } else {
    for (const { project, service, port } of freed)
      ctx.io.err(`freed ${sanitize(`${project}/${service}`)} (port ${port})`);
  }
  return 0;
}
