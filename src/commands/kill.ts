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
import { type CommandSpec, usageLine } from './spec.js';

export const killSpec: CommandSpec = {
  name: 'kill',
  usage: [
    'kill <project> <service> [--timeout S] [--signal NAME] [--dry-run] [--force]',
    'kill :<port> [--timeout S] [--signal NAME] [--dry-run] [--force]',
    'kill <service>   (of the project of the current directory)',
  ],
  summary:
    'stop the process listening on a port: SIGTERM, then SIGKILL after --timeout; a container publishing it is stopped through its engine; exit 0 when the port is free',
  examples: [
    'pm kill shop web',
    'pm kill :3000 --timeout 2',
    'pm kill :3000 --signal INT',
    'pm kill :5432 --dry-run',
  ],
  flags: ['timeout', 'signal', 'dry-run', 'force'],
  flagNotes: {
    'dry-run': 'say what would be stopped (process or container); stop nothing',
    force: "as root: also stop another user's process that pm run did not start for this service",
  },
  run: async ({ ctx, input, flags }) =>
    runKill(ctx, input, {
      timeout: flags.timeout,
      signal: flags.signal,
      dryRun: flags['dry-run'],
      force: flags.force,
    }),
};

const USAGE = usageLine(killSpec);

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
    ...(processes ? { session: processes } : {}),
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
        session: plan.session ? { service: plan.session.service, pid: plan.session.head } : null,
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
      /** The pm run session stopped with the listener: its service and first process. */
      session: result.session
        ? { service: result.session.service, pid: result.session.head }
        : null,
      signals: result.sent.map((name) => `SIG${name}`),
      processes: processesJson(result.targets),
      containers: containersJson(result.containers),
    });
  } else {
    ctx.io.err(killMessage(result));
  }
  return result.freed ? 0 : 1;
}
