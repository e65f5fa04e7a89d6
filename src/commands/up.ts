import { up } from '../core/actions/up.js';
import { PmError } from '../core/errors.js';
import { inferProject } from '../core/project/inference.js';
import { MANIFEST_FILE } from '../core/project/manifest.js';
import { sanitize } from '../view/sanitize.js';
import { renderTable, type TableLayout } from '../view/table.js';
import { type Context, expectArgs, printJson, searchOptions } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const upSpec: CommandSpec = {
  name: 'up',
  usage: ['up [--prune]'],
  summary:
    'allocate every service the nearest .pm.toml declares, in one go; a git worktree gets its own ports',
  examples: ['pm up', 'pm up --json', 'pm up --prune'],
  flags: ['prune'],
  run: async ({ ctx, input, flags }) => runUp(ctx, input, flags),
};

const USAGE = usageLine(upSpec);

const UP_LAYOUT: TableLayout<'SERVICE' | 'PORT' | 'ENV'> = {
  columns: ['SERVICE', 'PORT', 'ENV'],
  min: { SERVICE: 6, PORT: 4, ENV: 6 },
  rightAligned: ['PORT'],
  steps: [{ share: ['SERVICE', 'ENV'] }],
};

export async function runUp(
  ctx: Context,
  input: readonly string[],
  flags: { readonly prune: boolean },
): Promise<number> {
  expectArgs(input, 0, 0, USAGE);
  const cwd = ctx.cwd;
  const { registry } = await ctx.deps.store.read();
  const here = inferProject(registry, cwd, searchOptions(ctx));
  if (!here?.manifest) {
    throw new PmError('NO_MANIFEST', `no ${MANIFEST_FILE} in ${cwd} or any directory above it`, {
      kind: 'declare-manifest',
    });
  }
  const result = await up(ctx.deps, {
    project: here.project,
    path: here.path,
    ...(here.worktreeOf !== undefined ? { worktreeOf: here.worktreeOf } : {}),
    services: here.manifest.services,
    prune: flags.prune,
    ...(here.manifest.strategy !== undefined ? { strategy: here.manifest.strategy } : {}),
  });
  if (ctx.json) {
    printJson(ctx.io, {
      project: result.project,
      path: result.path,
      worktree_of: result.worktreeOf ?? null,
      services: result.services,
      undeclared: result.undeclared,
      pruned: result.pruned,
      previous_path: result.previousPath ?? null,
    });
    return 0;
  }
  if (result.services.length === 0) {
    ctx.io.err(
      `${sanitize(here.manifest.file)} declares no services; add a [services.<name>] table`,
    );
  } else {
    ctx.io.out(
      renderTable(
        UP_LAYOUT,
        result.services.map(({ service, port, env }) => ({
          SERVICE: service,
          PORT: String(port),
          ENV: env,
        })),
        { title: ctx.style.bold, ...(ctx.width !== undefined ? { width: ctx.width } : {}) },
      ),
    );
  }
  const of = result.worktreeOf ? ` (a worktree of ${result.worktreeOf})` : '';
  ctx.io.err(ctx.style.dim(`project ${result.project}${of} at ${sanitize(result.path)}`));
  if (result.previousPath !== undefined) {
    ctx.io.err(
      `note: project ${result.project} was recorded at ${sanitize(result.previousPath)} and is now recorded here; if both checkouts are in use they share these ports, so give one of them its own project name in its local manifest`,
    );
  }
  for (const { service, port } of result.undeclared) {
    ctx.io.err(
      result.pruned
        ? `freed ${result.project}/${service} (port ${port}): not declared in ${MANIFEST_FILE}`
        : `note: ${result.project}/${service} (port ${port}) is not declared in ${MANIFEST_FILE}; it stays allocated until pruned (pm up --prune)`,
    );
  }
  return 0;
}
