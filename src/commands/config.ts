import { configure } from '../core/actions/index.js';
import type { EphemeralPorts } from '../core/model/config-warnings.js';
import { formatRange, type Port, type PortRange } from '../core/model/port.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson } from './context.js';

export async function runConfig(
  ctx: Context,
  input: readonly string[],
  flags: { readonly range?: PortRange | undefined; readonly exclude?: Port[] | undefined },
  registryPath: string,
  ephemeral?: EphemeralPorts,
): Promise<number> {
  expectArgs(input, 0, 0, 'pm config [--range A-B] [--exclude LIST]');
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
