import { prune } from '../core/actions/prune.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const pruneSpec: CommandSpec = {
  name: 'prune',
  usage: ['prune [--dry-run]'],
  summary: 'free the ports of projects whose directory no longer exists (a removed worktree)',
  examples: ['pm prune --dry-run', 'pm prune'],
  flags: ['dry-run'],
  run: async ({ ctx, input, flags }) => runPrune(ctx, input, { dryRun: flags['dry-run'] }),
};

const USAGE = usageLine(pruneSpec);

export async function runPrune(
  ctx: Context,
  input: readonly string[],
  flags: { readonly dryRun: boolean },
): Promise<number> {
  expectArgs(input, 0, 0, USAGE);
  const result = await prune(ctx.deps, { dryRun: flags.dryRun });
  if (ctx.json) {
    printJson(ctx.io, {
      dry_run: result.dryRun,
      freed: result.gone.map((entry) => ({
        project: entry.project,
        path: entry.path,
        worktree_of: entry.worktreeOf ?? null,
        services: entry.services,
      })),
      unrecorded: result.unrecorded,
    });
    return 0;
  }
  const verb = result.dryRun ? 'would free' : 'freed';
  for (const { project, path, services } of result.gone) {
    for (const { service, port } of services) {
      ctx.io.out(
        `${verb} ${project}/${service} (port ${port}): ${sanitize(path)} no longer exists`,
      );
    }
  }
  if (result.gone.length === 0) ctx.io.err('nothing to prune: every recorded directory exists');
  if (result.unrecorded.length > 0) {
    ctx.io.err(
      `kept (no directory recorded, so pm cannot tell if they are still used): ${result.unrecorded.join(', ')}`,
    );
  }
  return 0;
}
