import { queryPort, queryProject, queryService } from '../core/actions/index.js';
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
import { dryRunMessage, killMessage, ownerPhrase } from '../view/kill.js';
import { sanitize } from '../view/sanitize.js';
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
  args: 'project-service',
  usage: [
    'kill <project> <service> [--timeout S] [--signal NAME] [--dry-run] [--force]',
    'kill :<port> [--timeout S] [--signal NAME] [--dry-run] [--force]',
    'kill <service>   (of the project of the current directory)',
  ],
  summary:
    'stop the process listening on a port: SIGTERM, then SIGKILL after --timeout; a container publishing it is stopped through its engine; exit 0 when the port is free',
  examples: [
    'pm kill shop web',
    'pm kill :3000 --dry-run',
    'pm kill :3000 --timeout 2',
    'pm kill :3000 --signal INT',
  ],
  flags: ['timeout', 'signal', 'dry-run', 'force'],
  flagNotes: {
    'dry-run':
      'show who would be signalled (pid, owner, command, port) or which container would be stopped; signal nothing',
    force: "as root: also stop another user's process that pm run did not start for this service",
  },
  run: async ({ ctx, input, flags }) =>
    runKill(ctx, input, {
      ...flags,
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

/** The port to stop and, for a service that moved, the port it was given (for the message). */
interface KillPort {
  readonly port: Port;
  readonly movedFrom?: { readonly name: string; readonly port: Port };
  /** The service's PM_SERVICE value, which its own `pm run` process carries. */
  readonly marker?: string;
}

/**
 * Where the process to stop listens, by the state `pm status` shows: a moved service's own
 * process listens on the port it moved to, and that is the one `pm kill <service>` stops.
 */
async function portOf(ctx: Context, target: KillTargetArgs): Promise<KillPort> {
  if (target.kind === 'port') {
    const query = await queryPort(ctx.deps, target.port);
    if (query.moved && query.owner && query.listeners.length === 0) {
      const { project, service } = query.owner;
      throw new PmError(
        'NOT_LISTENING',
        `nothing listens on port ${target.port}; ${sanitize(`${project}/${service}`)} moved to ${query.moved.port}`,
        `pm kill ${sanitize(`${project} ${service}`)} stops its process on ${query.moved.port}`,
      );
    }
    return { port: target.port };
  }
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
  const marker = serviceMarker(project, target.service);
  const row = (await queryProject(ctx.deps, project)).services.find(
    (candidate) => candidate.service === target.service,
  );
  if (row?.moved === undefined) return { port, marker };
  return {
    port: row.moved.port,
    marker,
    movedFrom: { name: `${project}/${target.service}`, port },
  };
}

/** What pm knows of a process it is about to signal, read once before anything is sent. */
interface TargetFacts {
  readonly user?: string;
  readonly command?: readonly string[];
  readonly cwd?: string;
}

async function factsOf(
  ctx: Context,
  targets: readonly KillTarget[],
): Promise<Map<number, TargetFacts>> {
  const facts = new Map<number, TargetFacts>();
  for (const target of targets) {
    const detail = await ctx.deps.inspector?.detail(target.pid).catch(() => undefined);
    const command = detail?.command ?? target.listeners[0]?.command;
    facts.set(target.pid, {
      ...(detail?.user !== undefined ? { user: detail.user } : {}),
      ...(command !== undefined ? { command } : {}),
      ...(detail?.cwd !== undefined ? { cwd: detail.cwd } : {}),
    });
  }
  return facts;
}

/** Owners worth naming: a process that is not the caller's (pm as root stopping bob's server). */
function ownersOf(
  targets: readonly KillTarget[],
  facts: ReadonlyMap<number, TargetFacts>,
  self: { readonly uid?: number },
): Map<number, string> {
  const owners = new Map<number, string>();
  for (const target of targets) {
    if (target.uid === undefined || target.uid === self.uid) continue;
    owners.set(target.pid, ownerPhrase(target.uid, facts.get(target.pid)?.user));
  }
  return owners;
}

function processJson(target: KillTarget, facts: TargetFacts | undefined) {
  return {
    pid: target.pid,
    owner: { uid: target.uid ?? null, user: facts?.user ?? null },
    command: facts?.command ?? null,
    cwd: facts?.cwd ?? null,
    start_time: new Date(target.startTime).toISOString(),
    listeners: target.listeners.map(listenerJson),
  };
}

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
  const { port, movedFrom, marker } = await portOf(ctx, parseKillTarget(input));
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
  // Planned first: the refusals, and who the processes are while they still exist.
  const plan = await planPortKill(deps, port, options);
  const facts = await factsOf(ctx, plan.targets);
  const owners = ownersOf(plan.targets, facts, control.self);
  const moved = movedFrom
    ? `${sanitize(movedFrom.name)} moved from port ${movedFrom.port} to ${port}: `
    : '';
  if (flags.dryRun) {
    const signal = flags.signal ?? 'TERM';
    if (ctx.json) {
      printJson(ctx.io, {
        port,
        moved_from: movedFrom?.port ?? null,
        dry_run: true,
        session: plan.session ? { service: plan.session.service, pid: plan.session.head } : null,
        signal: `SIG${signal}`,
        processes: plan.targets.map((target) => processJson(target, facts.get(target.pid))),
        containers: containersJson(plan.containers),
      });
    } else {
      ctx.io.out(
        `${moved}${dryRunMessage(plan, flags.timeout ?? DEFAULT_KILL_TIMEOUT_MS, signal, { owners, facts })}`,
      );
    }
    return 0;
  }
  const result = await killPort(deps, port, options);
  if (ctx.json) {
    printJson(ctx.io, {
      port,
      moved_from: movedFrom?.port ?? null,
      freed: result.freed,
      /** The pm run session stopped with the listener: its service and first process. */
      session: result.session
        ? { service: result.session.service, pid: result.session.head }
        : null,
      signals: result.sent.map((name) => `SIG${name}`),
      processes: result.targets.map((target) => processJson(target, facts.get(target.pid))),
      containers: containersJson(result.containers),
    });
  } else {
    ctx.io.err(`${moved}${killMessage(result, owners)}`);
  }
  return result.freed ? 0 : 1;
}
