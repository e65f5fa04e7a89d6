import { type FreeTarget, free } from '../core/actions.js';
import { PmError } from '../core/errors.js';
import { parsePort } from '../core/port.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson } from './context.js';

const USAGE = 'pm free <project> <service> | pm free <project> --all | pm free :<port>';

export function parseFreeTarget(input: readonly string[], all: boolean): FreeTarget {
  expectArgs(input, 1, 2, USAGE);
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
    throw new PmError(
      'USAGE',
      `name the service to free, or pass --all for every service of '${first}': usage: ${USAGE}`,
    );
  }
  return { kind: 'service', project: first, service: second };
}

export async function runFree(
  ctx: Context,
  input: readonly string[],
  flags: { readonly all: boolean },
): Promise<number> {
  const freed = await free(ctx.deps, parseFreeTarget(input, flags.all));
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
