import type { Deps } from '../core/actions.js';
import { PmError } from '../core/errors.js';
import { projectAt } from '../core/registry.js';
import type { Listener } from '../native/types.js';
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
export function listenerJson(listener: Listener) {
  return {
    protocol: listener.protocol,
    family: listener.family,
    address: listener.address,
    port: listener.port,
    pid: listener.pid ?? null,
    process: listener.process ?? null,
    uid: listener.uid ?? null,
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

/**
 * The project whose recorded path holds the working directory, so `pm allocate web` inside a
 * project need not repeat its name.
 */
export async function projectHere(
  ctx: Context,
  command: 'allocate' | 'run' | 'env',
): Promise<string> {
  const project = projectAt((await ctx.deps.store.read()).registry, ctx.cwd);
  if (project === undefined) {
    throw new PmError('USAGE', `missing project: no project's recorded path contains ${ctx.cwd}`, {
      kind: 'name-project',
      command,
    });
  }
  return project;
}
