import { queryService } from '../core/actions/index.js';
import { killPort } from '../core/actions/kill.js';
import { PmError } from '../core/errors.js';
import type { KillSignal } from '../core/model/kill.js';
import { type Port, parsePort } from '../core/model/port.js';
import { SERVICE_MARKER, serviceMarker } from '../core/model/status.js';
import { inferProject, noProjectError } from '../core/project/inference.js';
import { killMessage } from '../view/kill.js';
import { type Context, expectArgs, listenerJson, printJson, searchOptions } from './context.js';

const USAGE =
  'pm kill [<project>] <service> | pm kill :<port>   [--timeout S] [--signal NAME] [--force]   (the project of the current directory when left out)';

export type KillTargetArgs =
  | { readonly kind: 'port'; readonly port: Port }
  | { readonly kind: 'service'; readonly project: string | undefined; readonly service: string };

export function parseKillTarget(input: readonly string[]): KillTargetArgs {
  expectArgs(input, 1, 2, USAGE);
  const [first, second] = input as [string, string | undefined];
  if (first.startsWith(':')) {
    if (second !== undefined)
      throw new PmError('USAGE', `kill :<port> takes no other arguments: usage: ${USAGE}`);
    return { kind: 'port', port: parsePort(first) };
  }
  return second === undefined
    ? { kind: 'service', project: undefined, service: first }
    : { kind: 'service', project: first, service: second };
}

async function portOf(
  ctx: Context,
  target: KillTargetArgs,
): Promise<{ port: Port; marker?: string }> {
  if (target.kind === 'port') return { port: target.port };
  let project = target.project;
  if (project === undefined) {
    project = inferProject(
      (await ctx.deps.store.read()).registry,
      ctx.cwd,
      searchOptions(ctx),
    )?.project;
    if (project === undefined) throw noProjectError(ctx.cwd);
  }
  const { port } = await queryService(ctx.deps, project, target.service);
  return { port, marker: serviceMarker(project, target.service) };
}

export async function runKill(
  ctx: Context,
  input: readonly string[],
  flags: {
    readonly timeout?: number | undefined;
    readonly signal?: KillSignal | undefined;
    readonly force?: boolean | undefined;
  },
): Promise<number> {
  const { port, marker } = await portOf(ctx, parseKillTarget(input));
  const control = ctx.deps.control;
  if (!control) {
    throw new PmError('KILL_REFUSED', 'pm cannot signal processes here', 'stop it by hand');
  }
  const processes = ctx.deps.processes;
  const markerOf = processes
    ? (pid: number) => processes.environmentValue(pid, SERVICE_MARKER)
    : undefined;
  const result = await killPort(
    { scanner: ctx.deps.scanner, control, ...(markerOf ? { markerOf } : {}) },
    port,
    {
      consent: { force: flags.force === true, ...(marker !== undefined ? { marker } : {}) },
      ...(flags.signal !== undefined ? { signal: flags.signal } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    },
  );
  if (ctx.json) {
    printJson(ctx.io, {
      port,
      freed: result.freed,
      signals: result.sent.map((name) => `SIG${name}`),
      processes: result.targets.map((target) => ({
        pid: target.pid,
        start_time: new Date(target.startTime).toISOString(),
        listeners: target.listeners.map(listenerJson),
      })),
    });
  } else {
    ctx.io.err(killMessage(result));
  }
  return result.freed ? 0 : 1;
}
