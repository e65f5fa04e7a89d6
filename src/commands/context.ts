import type { Deps } from '../core/actions/index.js';
import { PmError } from '../core/errors.js';
import { shortId } from '../core/model/containers.js';
import type { NamedListener } from '../core/model/status.js';
import { withProgram } from '../core/model/status.js';
import type { ListenerContainer } from '../core/ports.js';
import { inferProject, type ProjectContext, projectHere } from '../core/project/inference.js';
import { defaultSearchOptions, type SearchOptions } from '../core/project/repo-search.js';
import { sanitize } from '../view/sanitize.js';
import type { Style } from '../view/style.js';

export interface Io {
  /** Results: what scripts read. */
  readonly out: (text: string) => void;
  /** Messages, warnings and errors for people. */
  readonly err: (text: string) => void;
}

export interface Context {
  readonly deps: Deps;
  readonly json: boolean;
  readonly style: Style;
  readonly io: Io;
  /** The caller's working directory (the process's own only when run as the bin). */
  readonly cwd: string;
  /** The terminal's width when stdout is one; tables then fit it instead of wrapping. */
  readonly width?: number;
}

/** The stable JSON shape of a listener; absent facts are null so every key is always there. */
export function listenerJson(shown: NamedListener) {
  const listener = 'program' in shown ? shown : withProgram(shown);
  return {
    protocol: listener.protocol,
    family: listener.family,
    address: listener.address,
    port: listener.port,
    pid: listener.pid ?? null,
    /** The kernel's name for the executable, as before ('node'). */
    process: listener.process ?? null,
    /** The program it runs ('vite'): docs/process-names.md. */
    program: listener.program ?? null,
    /** argv where the OS lets pm read it, else null. */
    command: listener.command ?? null,
    uid: listener.uid ?? null,
    /** The container whose published port this is (docs/containers.md), else null. */
    container: containerJson(listener.container),
  };
}

/** The stable JSON shape of a container: the full id, as the engine's API takes it. */
export function containerJson(container: ListenerContainer | undefined) {
  if (container === undefined) return null;
  return {
    id: container.id,
    short_id: shortId(container.id),
    name: container.name,
    image: container.image,
    compose_project: container.composeProject ?? null,
    compose_service: container.composeService ?? null,
    private_port: container.privatePort,
  };
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function expectArgs(
  input: readonly string[],
  min: number,
  max: number,
  usage: string,
): void {
  if (input.length < min || input.length > max) {
    const problem =
      input.length < min ? 'missing arguments' : `unexpected argument '${input[max]}'`;
    throw new PmError('USAGE', `${problem}: usage: ${usage}`, { kind: 'help' });
  }
}

/** How a command looks for the repository's files: a file another user owns is named on stderr. */
export function searchOptions(ctx: Context): SearchOptions {
  return defaultSearchOptions((message) => ctx.io.err(`warning: ${sanitize(message)}`));
}

/** Without a project here, the CLI's remedies: name it on the command line, or declare it. */
export function projectHereFor(ctx: Context, command: 'allocate' | 'run' | 'env') {
  return projectHere(
    ctx.deps.store,
    ctx.cwd,
    [{ kind: 'name-project', command }, { kind: 'declare-manifest' }],
    searchOptions(ctx),
  );
}

/**
 * The project a command works on, and the manifest that declares it when there is one: the
 * named project, or the one the working directory belongs to when it is left out.
 */
export async function projectFor(
  ctx: Context,
  named: string | undefined,
  command: 'allocate' | 'run' | 'env',
): Promise<{ project: string; here: ProjectContext | undefined }> {
  if (named === undefined) {
    const here = await projectHereFor(ctx, command);
    return { project: here.project, here };
  }
  const here = inferProject((await ctx.deps.store.read()).registry, ctx.cwd, searchOptions(ctx));
  return { project: named, here: here?.project === named ? here : undefined };
}
