import { suggest } from '../core/actions/index.js';
import type { Port } from '../core/model/port.js';
import { type Context, expectArgs, printJson } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const suggestSpec: CommandSpec = {
  name: 'suggest',
  usage: ['suggest [--count N] [--prefer N]'],
  summary: 'the next free ports, without reserving them',
  examples: ['pm suggest --count 3'],
  flags: ['count', 'prefer'],
  run: ({ ctx, input, flags }) => runSuggest(ctx, input, flags),
};

const USAGE = usageLine(suggestSpec);

export async function runSuggest(
  ctx: Context,
  input: readonly string[],
  flags: { readonly count?: number | undefined; readonly prefer?: Port | undefined },
): Promise<number> {
  expectArgs(input, 0, 0, USAGE);
  const count = flags.count ?? 1;
  const from = flags.prefer;
  const ports = await suggest(ctx.deps, count, from);
  if (ctx.json) printJson(ctx.io, { ports });
  else ctx.io.out(ports.join('\n'));
  if (ports.length < count) ctx.io.err(`only ${ports.length} free port(s) left in the range`);
  return 0;
}
