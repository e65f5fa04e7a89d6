// `pm env [<project>] [--format dotenv|shell|json] [--write FILE]`: the variables `pm run`
// would set for a project's services (ports and URLs), printed or kept in a fenced block of an env file that
// Docker Compose (`env_file:`) and dotenv loaders read.
import { projectPorts } from '../core/actions/index.js';
import { proxyUrls } from '../core/actions/proxy-urls.js';
import { PmError } from '../core/errors.js';
import {
  dotenvLines,
  type EnvFormat,
  formatVariables,
  jsonVariables,
  projectVariables,
  withUrls,
} from '../core/model/env-vars.js';
import { projectEnvWiring } from '../core/project/manifest.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson, projectFor } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const envSpec: CommandSpec = {
  name: 'env',
  args: 'project',
  usage: ['env [<project>] [--format dotenv|shell|json] [--write FILE]'],
  summary:
    "the <SERVICE>_PORT and <SERVICE>_URL variables of a project's services, or kept in a block of FILE",
  examples: ['pm env shop', 'eval "$(pm env shop --format shell)"', 'pm env shop --write .env'],
  flags: ['format', 'write'],
  run: async ({ ctx, input, flags }) => runEnv(ctx, input, flags),
};

const USAGE = usageLine(envSpec);

export interface EnvFlags {
  /** Checked by the flag table. */
  readonly format?: EnvFormat | undefined;
  /** Absolute (the flag table resolves it against the caller's directory). */
  readonly write?: string | undefined;
}

export async function runEnv(
  ctx: Context,
  input: readonly string[],
  flags: EnvFlags,
): Promise<number> {
  expectArgs(input, 0, 1, USAGE);
  // --json asks for JSON output; the file itself is always NAME=value lines.
  const format: EnvFormat =
    flags.format ?? (ctx.json && flags.write === undefined ? 'json' : 'dotenv');
  if (flags.write !== undefined && format !== 'dotenv') {
    throw new PmError(
      'USAGE',
      `an env file is always written as NAME=value lines, not as ${format}`,
      'leave out the format when writing a file, or print the other format instead',
    );
  }
  // The variables are the same wherever pm runs; the directory only bounds where a file may go.
  const { project, here } = await projectFor(ctx, input[0], 'env');
  const services = await projectPorts(ctx.deps, project);
  const vars = withUrls(
    projectVariables(services, await projectEnvWiring(ctx.deps, project)),
    await proxyUrls(ctx.deps, project),
  );
  if (flags.write === undefined) {
    ctx.io.out(formatVariables(vars, format));
    return 0;
  }
  // The file-writing part is loaded only when a file is written.
  const { writeEnvFile } = await import('./env-write.js');
  const { store } = ctx.deps;
  const outcome = await writeEnvFile(flags.write, project, dotenvLines(vars), {
    root: here?.path,
    protect: [store.path, store.backupPath],
  });
  if (ctx.json) {
    printJson(ctx.io, { file: flags.write, project, outcome, variables: jsonVariables(vars) });
    return 0;
  }
  const what = `${vars.length} variable${vars.length === 1 ? '' : 's'} of ${project}`;
  const file = sanitize(flags.write);
  ctx.io.err(
    outcome === 'unchanged'
      ? `${file} already holds the ${what}; not rewritten`
      : `${outcome === 'created' ? 'created' : 'updated'} ${file} with the ${what}`,
  );
  return 0;
}
