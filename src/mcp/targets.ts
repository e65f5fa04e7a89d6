// What a tool call is about: the directory it infers from, a CLI context for that directory
// (so inference is the CLI's own code, not a copy), and the port a service or port argument
// names.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type Context, projectHereFor } from '../commands/context.js';
import { queryService } from '../core/actions/index.js';
import { PmError } from '../core/errors.js';
import { type Port, parsePort } from '../core/model/port.js';
import type { Deps } from '../core/ports.js';
import type { Reach } from '../os/shared/reach.js';
import { createStyle } from '../view/style.js';

/** What every tool is given: the wired dependencies and where the server runs. */
export interface ToolEnv {
  readonly deps: Deps;
  readonly registryPath: string;
  /** The directory `pm mcp` was started in: inference's default. */
  readonly cwd: string;
  readonly reach: Reach;
  /** stderr: never stdout, which carries the protocol. */
  readonly log: (text: string) => void;
}

/** The directory a call infers from: its `cwd` (relative to the server's), else the server's. */
export function directoryOf(env: ToolEnv, cwd: string | undefined): string {
  if (cwd === undefined) return env.cwd;
  const dir = isAbsolute(cwd) ? cwd : resolve(env.cwd, cwd);
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // Missing or unreadable: the same answer.
  }
  if (!isDirectory) {
    throw new PmError(
      'USAGE',
      `cwd '${cwd}' is not a directory`,
      'pass the absolute path of the repository or worktree directory you work in',
    );
  }
  return dir;
}

/** The CLI's context for `dir`: JSON mode, no colour, notes to the log. */
export function contextFor(env: ToolEnv, dir: string): Context {
  return {
    deps: env.deps,
    json: true,
    style: createStyle(false),
    io: { out: () => {}, err: env.log },
    cwd: dir,
  };
}

/** A port argument, checked by pm's rule (so the error is pm's INVALID_PORT). */
export function checkedPort(port: number): Port {
  return parsePort(String(port));
}

export interface TargetArgs {
  readonly project?: string | undefined;
  readonly service?: string | undefined;
  readonly port?: number | undefined;
  readonly cwd?: string | undefined;
}

/**
 * The port a call is about: `port` itself, or the allocation of `service` (of `project`, or
 * of the project inferred from `cwd`). Both or neither is a usage error.
 */
export async function targetPort(env: ToolEnv, args: TargetArgs): Promise<Port> {
  if (args.port !== undefined) {
    if (args.service !== undefined || args.project !== undefined) {
      throw new PmError(
        'USAGE',
        'pass either port, or service (with project or cwd), not both',
        'pass port alone for a port, or service for a service',
      );
    }
    return checkedPort(args.port);
  }
  if (args.service === undefined) {
    throw new PmError(
      'USAGE',
      'missing target: pass service (with project or cwd) or port',
      'pass service for a service of the project, or port for any port',
    );
  }
  return (await queryService(env.deps, await projectOf(env, args), args.service)).port;
}

/** The `project` argument, else the project `cwd` (or the server's directory) belongs to. */
export async function projectOf(env: ToolEnv, args: TargetArgs): Promise<string> {
  if (args.project !== undefined) return args.project;
  return (await projectHereFor(contextFor(env, directoryOf(env, args.cwd)), 'allocate')).project;
}
