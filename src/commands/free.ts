import { type FreeTarget, free } from '../core/actions/index.js';
import { PmError } from '../core/errors.js';
import { listenerName } from '../core/model/explain.js';
import { parsePort } from '../core/model/port.js';
import { listenersByPort, primaryListener, withProgram } from '../core/model/status.js';
import type { Listener } from '../core/ports.js';
import { inferProject, noProjectError } from '../core/project/inference.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, listenerJson, printJson, searchOptions } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const freeSpec: CommandSpec = {
  name: 'free',
  args: 'project-service',
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
  flagNotes: { all: 'release every service of the project, not one' },
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
    // Outside a project a lone name is the project: say both ways on.
    throw new PmError(
      'USAGE',
      `no service named to free of '${first}'`,
      `pm free ${first} <service> frees one service, pm free ${first} --all all of them`,
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
  const listening = await stillListening(ctx, freed);
  if (ctx.json) {
    printJson(ctx.io, {
      freed: freed.map(({ project, service, port }) => ({
        project,
        service,
        port,
        listeners: (listening.get(port) ?? []).map(listenerJson),
      })),
    });
  } else {
    for (const { project, service, port } of freed) {
      ctx.io.err(`freed ${sanitize(`${project}/${service}`)} (port ${port})`);
      const holder = primaryListener(listening.get(port) ?? []);
      // As the dashboard's question says: the registry forgets the port, the process keeps it.
      if (holder) {
        ctx.io.err(
          `warning: port ${port} is still listened on by ${sanitize(listenerName(withProgram(holder)))}: freeing does not stop the process`,
        );
        ctx.io.err(`hint: pm kill :${port} stops it`);
      }
    }
  }
  return 0;
}

/** Who still listens on the freed ports: freeing forgets a port, it stops nobody. */
async function stillListening(
  ctx: Context,
  freed: readonly { readonly port: number }[],
): Promise<Map<number, Listener[]>> {
  const ports = new Set(freed.map((entry) => entry.port));
  const scan = await ctx.deps.scanner.scan({ attribute: (port) => ports.has(port) });
  if (!scan.ok) return new Map();
  return new Map([...listenersByPort(scan.listeners)].filter(([port]) => ports.has(port)));
}
