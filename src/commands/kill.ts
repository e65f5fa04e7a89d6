import { queryService } from '../core/actions/index.js';
import { killPort, planPortKill } from '../core/actions/kill.js';
import { PmError } from '../core/errors.js';
import {
  type ContainerTarget,
  DEFAULT_KILL_TIMEOUT_MS,
  type KillSignal,
  type KillTarget,
} from '../core/model/kill.js';
import { type Port, parsePort } from '../core/model/port.js';
import { SERVICE_MARKER, serviceMarker } from '../core/model/status.js';
import { inferProject, noProjectError } from '../core/project/inference.js';
import { dryRunMessage, killMessage } from '../view/kill.js';
import {
  type Context,
  containerJson,
  expectArgs,
  listenerJson,
  printJson,
  searchOptions,
} from './context.js';

const USAGE =
  'pm kill [<project>] <service> | pm kill :<port>   [--timeout S] [--signal NAME] [--dry-run] [--force]   (the project of the current directory when left out)';

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

const processesJson = (targets: readonly KillTarget[]) =>
  targets.map((target) => ({
    pid: target.pid,
    start_time: new Date(target.startTime).toISOString(),
    listeners: target.listeners.map(listenerJson),
  }));

const containersJson = (targets: readonly ContainerTarget[]) =>
  targets.map((target) => ({
    ...containerJson(target.container),
    listeners: target.listeners.map(listenerJson),
  }));

export async function runKill(
  ctx: Context,
  input: readonly string[],
  flags: {
    readonly timeout?: number | undefined;
    readonly signal?: KillSignal | undefined;
    readonly dryRun?: boolean;
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
  const deps = {
    scanner: ctx.deps.scanner,
    control,
    ...(ctx.deps.containers ? { containers: ctx.deps.containers } : {}),
    ...(markerOf ? { markerOf } : {}),
  };
  const options = {
    consent: { force: flags.force === true, ...(marker !== undefined ? { marker } : {}) },
    ...(flags.signal !== undefined ? { signal: flags.signal } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
  };
  if (flags.dryRun) {
    const plan = await planPortKill(deps, port, options);
    if (ctx.json) {
      printJson(ctx.io, {
        port,
        dry_run: true,
        processes: processesJson(plan.targets),
        containers: containersJson(plan.containers),
      });
    } else {
      ctx.io.out(
        dryRunMessage(plan, flags.timeout ?? DEFAULT_KILL_TIMEOUT_MS, flags.signal ?? 'TERM'),
      );
    }
    return 0;
  }
  const result = await killPort(deps, port, options);
  if (ctx.json) {
    printJson(ctx.io, {
      port,
      freed: result.freed,
      signals: result.sent.map((name) => `SIG${name}`),
      processes: processesJson(result.targets),
      containers: containersJson(result.containers),
    });
  } else {
    ctx.io.err(killMessage(result));
  }
  return result.freed ? 0 : 1;
}
