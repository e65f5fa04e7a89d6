// `pm env [<project>] [--format dotenv|shell|json] [--write FILE]`: the variables `pm run`
// would set for a project's services, printed or kept in a fenced block of an env file that
// Docker Compose (`env_file:`) and dotenv loaders read.
import * as nodeFs from 'node:fs/promises';
import { resolve } from 'node:path';
import { updateFence } from '../core/env-file.js';
import { dotenvLines, type EnvFormat, formatVariables, jsonVariables } from '../core/env-vars.js';
import { PmError } from '../core/errors.js';
import { envOfProject } from '../core/run-plan.js';
import { replaceFile } from '../core/store/atomic-file.js';
import { errnoOf, ioError, type StoreFs } from '../core/store/fs.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson, projectHere } from './context.js';

export interface EnvFlags {
  /** Checked by the flag table. */
  readonly format?: EnvFormat | undefined;
  /** Absolute (the flag table resolves it against the caller's directory). */
  readonly write?: string | undefined;
}

const USAGE = 'pm env [<project>] [--format dotenv|shell|json] [--write FILE]';

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Sets the project's block in `file`, leaving every other byte as it was. Nothing is written
 * when the block already says the same (the file's mtime stays), so watchers of the file
 * (compose, dev servers) are not woken for nothing. A symlinked file is updated where it
 * points, not replaced by a regular file.
 */
export async function writeEnvFile(
  file: string,
  project: string,
  lines: readonly string[],
): Promise<WriteOutcome> {
  let target = resolve(file);
  let current: Buffer | undefined;
  let mode = 0o644;
  try {
    target = await nodeFs.realpath(target);
    current = await nodeFs.readFile(target);
    mode = (await nodeFs.stat(target)).mode & 0o7777;
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw ioError('read', target, error);
  }
  // latin1 maps each byte to one character and back, so bytes outside the block survive
  // whatever their encoding.
  const update = updateFence(current?.toString('latin1'), project, lines, file);
  if (!update.changed) return 'unchanged';
  const fs = nodeFs as unknown as StoreFs;
  await replaceFile(
    { fs, platform: process.platform },
    target,
    Buffer.from(update.text, 'latin1'),
    mode,
  );
  return current === undefined ? 'created' : 'updated';
}

export async function runEnv(
  ctx: Context,
  input: readonly string[],
  flags: EnvFlags,
  envNames?: ReadonlyMap<string, string>,
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
  const project = input[0] ?? (await projectHere(ctx, 'env'));
  const vars = await envOfProject(ctx.deps, project, envNames);
  if (flags.write === undefined) {
    ctx.io.out(formatVariables(vars, format));
    return 0;
  }
  const outcome = await writeEnvFile(flags.write, project, dotenvLines(vars));
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
