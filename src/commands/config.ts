import { configure } from '../core/actions/index.js';
import type { EphemeralPorts } from '../core/model/config-warnings.js';
import { formatRange, type Port, type PortRange } from '../core/model/port.js';
import { ephemeralRange } from '../os/shared/ephemeral-range.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const configSpec: CommandSpec = {
  name: 'config',
  usage: ['config [--range A-B] [--exclude LIST]'],
  summary: 'show or change the range ports come from and the ports never handed out',
  examples: ['pm config', 'pm config --range 3000-3999 --exclude 3306,5432'],
  flags: ['range', 'exclude'],
  run: ({ ctx, input, flags, environment }) =>
    runConfig(ctx, input, flags, environment.registryPath, ephemeralRange()),
};

const USAGE = usageLine(configSpec);

export async function runConfig(
  ctx: Context,
  input: readonly string[],
  flags: { readonly range?: PortRange | undefined; readonly exclude?: Port[] | undefined },
  registryPath: string,
  ephemeral?: EphemeralPorts,
): Promise<number> {
  expectArgs(input, 0, 0, USAGE);
  const view = await configure(
    ctx.deps,
    {
      ...(flags.range !== undefined ? { range: flags.range } : {}),
      ...(flags.exclude !== undefined ? { exclude: flags.exclude } : {}),
    },
    ephemeral,
  );
  // Accepted, but said out loud: on stderr, so the output stays as scripts expect it.
  for (const warning of view.warnings) ctx.io.err(`warning: ${warning}`);
  if (ctx.json) {
    printJson(ctx.io, { registry: registryPath, range: view.range, exclude: view.exclude });
  } else {
    ctx.io.out(`registry  ${sanitize(registryPath)}`);
    ctx.io.out(`range     ${formatRange(view.range)}`);
    ctx.io.out(`exclude   ${view.exclude.length > 0 ? view.exclude.join(', ') : '(none)'}`);
  }
  return 0;
}
