// `pm run [<project>] <service> -- <command...>`: the command runs with its port (and its
// siblings') in the environment, pm's exit code is the command's, and pm warns once if the
// server ends up listening somewhere else.
import { resolve } from 'node:path';
import { isOwnListener } from '../core/actions/allocate.js';
import { watchDrift } from '../core/actions/drift.js';
import { proxyUrls } from '../core/actions/proxy-urls.js';
import { planRun, type RunPlan } from '../core/actions/run-plan.js';
import { PmError } from '../core/errors.js';
import { withUrls } from '../core/model/env-vars.js';
import { listenerName } from '../core/model/explain.js';
import { processLabel } from '../core/model/program.js';
import { samePath } from '../core/model/registry.js';
import {
  listenersByPort,
  REGISTRY_VARIABLE,
  SERVICE_MARKER,
  serviceMarker,
  withProgram,
} from '../core/model/status.js';
import type { Listener, ProcessTree } from '../core/ports.js';
import { declaredChoice, manifestWiring } from '../core/project/manifest.js';
import { packageScripts } from '../core/project/package-scripts.js';
import { runCommand } from '../os/shared/child-process.js';
import { errorJson, errorLines } from '../view/errors.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, projectFor } from './context.js';
import { driftMessage, heldWarning, holdersOf } from './run-notes.js';
import { type CommandSpec, usageLine } from './spec.js';

export const runSpec: CommandSpec = {
  name: 'run',
  args: 'project-service',
  usage: [
    'run <project> <service> [--env NAME] -- <command> [args...]',
    'run <service> -- <command> [args...]   (the project of the current directory: .pm.toml, worktree or recorded path)',
  ],
  summary:
    "run a command with its port in PORT and every sibling's in <SERVICE>_PORT; exits with its code",
  examples: ['pm run shop web -- npm run dev', 'pm run shop api --env API_PORT -- node server.js'],
  flags: ['env'],
  takesCommand: true,
  run: async ({ ctx, input, trailing, flags, env }) =>
    runRun(ctx, input, trailing, { env: flags.env }, { environment: env }),
};

const USAGE = usageLine(runSpec);

export interface RunFlags {
  /** The variable for the service's own port instead of PORT (checked by the flag table). */
  readonly env?: string | undefined;
}

export interface RunHooks {
  /** The caller's environment: the command gets it plus the port variables. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Starts the command (tests may replace it). */
  readonly start?: typeof runCommand;
  /** How often drift is checked, in ms. */
  readonly watchMs?: number;
  /** Variable names a manifest declares per service. */
  readonly envNames?: ReadonlyMap<string, string>;
}

/** A server on loopback accepts at once; this bounds a check of a port that hangs. */
const HELD_CHECK_MS = 300;

/** Said at start when the command (or its script) already chooses a port of its own. */
export function pinnedMessage(
  project: string,
  service: string,
  port: number,
  pinned: { readonly server: string; readonly port?: number },
): string {
  if (pinned.port === undefined || pinned.port === port) {
    return `pm: the command chooses ${pinned.server}'s port itself; pm left it as it is (${service}'s port is ${port})`;
  }
  return `pm: the command pins ${pinned.server} to port ${pinned.port}, not ${service}'s port ${port}; to record that port instead: pm free ${project} ${service} && pm allocate ${project} ${service} --port ${pinned.port}`;
}

export async function runRun(
  ctx: Context,
  input: readonly string[],
  command: readonly string[],
  flags: RunFlags,
  hooks: RunHooks,
): Promise<number> {
  if (input.length > 2 && command.length === 0) {
    throw new PmError(
      'USAGE',
      `'${input[2]}' looks like the command to run, but it is not after a double dash: usage: ${USAGE}`,
      'put a double dash between the service and the command, e.g. pm run shop web -- npm run dev',
    );
  }
  expectArgs(input, 1, 2, USAGE);
  if (command.length === 0) {
    throw new PmError(
      'USAGE',
      `no command to run: usage: ${USAGE}`,
      'put the command after a double dash, e.g. pm run shop web -- npm run dev',
    );
  }
  const service = input.at(-1) as string;
  const { project, here } = await projectFor(ctx, input.length === 2 ? input[0] : undefined, 'run');
  const cwd = ctx.cwd;
  const plan = await planRun(ctx.deps, {
    project,
    service,
    argv: command,
    scripts: packageScripts(cwd),
    ...(flags.env !== undefined ? { envName: flags.env } : {}),
    wiring: manifestWiring(here?.manifest, project),
    ...(hooks.envNames !== undefined ? { envNames: hooks.envNames } : {}),
    ...declaredChoice(here?.manifest, service),
  });
  for (const warning of plan.warnings) ctx.io.err(`warning: ${sanitize(warning)}`);
  const manifest = here?.manifest;
  if (manifest && !manifest.services.some((entry) => entry.service === service)) {
    const declared = manifest.services.map((entry) => entry.service).sort();
    ctx.io.err(
      `warning: ${sanitize(service)} is not declared in ${sanitize(manifest.file)} (it declares ${declared.length > 0 ? sanitize(declared.join(', ')) : 'no services'}); add [services.${sanitize(service)}] there to keep it`,
    );
  }
  await refuseWhenRunning(ctx, project, service, plan.port, here?.path);
  if (plan.appended) {
    ctx.io.err(`pm: ${plan.appended.server} ignores PORT: added ${plan.appended.args.join(' ')}`);
  }
  const name = `${project}/${service}`;
  if (plan.pinned) ctx.io.err(pinnedMessage(project, service, plan.port, plan.pinned));
  const start = hooks.start ?? runCommand;
  const processes = ctx.deps.processes;
  const child = start(plan.argv, {
    env: {
      ...hooks.environment,
      ...Object.fromEntries(withUrls(plan.variables, await proxyUrls(ctx.deps, project))),
    },
    cwd,
    ...(processes ? { treeOf: (pid: number) => processes.descendants(pid) } : {}),
  });
  // As the command starts (it takes a while to bind, and pm does not delay it): a connection
  // attempt on loopback, which cannot take the port from the command, and only when something
  // answers, a scan to name who it is. A port allocated just now was free a moment ago.
  const own = () =>
    processes && child.pid > 0 ? processes.descendants(child.pid) : new Set<number>();
  const reach = ctx.deps.reach;
  const held =
    plan.pinned === undefined && !plan.created && reach
      ? reach.connects(plan.port, HELD_CHECK_MS).then(async (address) => {
          const holders =
            address !== undefined ? await holdersOf(ctx.deps.scanner, plan.port, own) : [];
          if (holders.length > 0) ctx.io.err(heldWarning(name, plan.port, holders));
        })
      : Promise.resolve();
  const watch = processes
    ? startDriftWatch(ctx, processes, hooks.watchMs, child.pid, plan, name)
    : undefined;
  const orphan = processes
    ? reportOwnOrphan(ctx, processes, plan.port, project, service, child.pid)
    : undefined;
  const outcome = await child.done;
  await orphan;
  watch?.stop();
  await held.catch(() => undefined);
  if (outcome.kind === 'failed') {
    const error = new PmError(
      'COMMAND_FAILED',
      outcome.reason,
      'check the command after the double dash: it must be a program on PATH or a path to one',
    );
    if (ctx.json) ctx.io.err(JSON.stringify({ error: errorJson(error) }));
    else for (const line of errorLines(error)) ctx.io.err(line);
  }
  return outcome.code;
}

/**
 * The service's own server already holds its port (a second `pm run web`): the command would
 * only fail with EADDRINUSE, so say what runs instead and start nothing.
 */
async function refuseWhenRunning(
  ctx: Context,
  project: string,
  service: string,
  port: number,
  path: string | undefined,
): Promise<void> {
  const scan = await ctx.deps.scanner.scan({ attribute: (candidate) => candidate === port });
  if (!scan.ok) return;
  const holders = listenersByPort(scan.listeners).get(port);
  const recorded = (await ctx.deps.store.read()).registry.projects.get(project)?.path;
  const where = path ?? recorded;
  const wanted = { project, service, ...(where !== undefined ? { path: where } : {}) };
  if (!isOwnListener(ctx.deps, holders, wanted)) return;
  const holder = withProgram(holders?.[0] as Listener);
  const command = holder.command ? `: ${holder.command.join(' ')}` : '';
  const marked =
    holder.pid !== undefined &&
    ctx.deps.processes?.environmentValue(holder.pid, SERVICE_MARKER) ===
      serviceMarker(project, service);
  throw new PmError(
    'PORT_IN_USE',
    `${project}/${service} is already running: ${listenerName(holder)}${marked ? ', started by an earlier pm run,' : ''} listens on its port ${port}${command}`,
    `stop it first with 'pm kill ${project} ${service}', or use the one that runs`,
  );
}

/**
 * A server an earlier `pm run` of this service left running (its pm was killed before the
 * parent-death signal existed, or on a system without one) holds the port, so the new
 * command will fail to bind: name that process, so the user knows what to stop.
 */
async function reportOwnOrphan(
  ctx: Context,
  processes: ProcessTree,
  port: number,
  project: string,
  service: string,
  childPid: number,
): Promise<void> {
  const marker = serviceMarker(project, service);
  try {
    const scan = await ctx.deps.scanner.scan({ attribute: (candidate) => candidate === port });
    if (!scan.ok) return;
    const ours = childPid > 0 ? processes.descendants(childPid) : new Set<number>();
    for (const listener of scan.listeners) {
      const pid = listener.pid;
      if (listener.port !== port || pid === undefined || ours.has(pid)) continue;
      if (processes.environmentValue(pid, SERVICE_MARKER) !== marker) continue;
      const registry = processes.environmentValue(pid, REGISTRY_VARIABLE);
      if (registry !== undefined && !samePath(resolve(registry), ctx.deps.store.path)) continue;
      const label = processLabel(listener.process, withProgram(listener).program);
      ctx.io.err(
        `pm: port ${port} is held by pid ${pid}${label ? ` (${sanitize(label)})` : ''}, left running by an earlier pm run of ${sanitize(marker)}; stop it with 'pm kill ${sanitize(project)} ${sanitize(service)}' and run again`,
      );
      return;
    }
  } catch {
    // Only a hint; the command runs either way.
  }
}

function startDriftWatch(
  ctx: Context,
  processes: ProcessTree,
  watchMs: number | undefined,
  pid: number,
  plan: RunPlan,
  name: string,
): { stop(): void } | undefined {
  if (pid < 0) return undefined;
  const tree = () => processes.descendants(pid);
  return watchDrift({
    scanner: ctx.deps.scanner,
    tree,
    port: plan.port,
    intervalMs: watchMs ?? 1500,
    onDrift: (drift) => {
      void holdersOf(ctx.deps.scanner, plan.port, tree)
        .catch(() => [])
        .then((holders) => ctx.io.err(driftMessage(name, drift, { holders, plan })));
    },
  });
}
