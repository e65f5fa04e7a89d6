// The one table of pm's MCP tools: the server lists and dispatches from it, and docs/mcp.md
// documents it (a test checks the doc names every tool). Each tool is one of pm's operations
// over core/actions, with the CLI's own project inference for its `cwd`.
import * as z from 'zod/v4';
import { allocateFor } from '../commands/allocate.js';
import { listenerJson, projectFor } from '../commands/context.js';
import { portJson } from '../commands/query.js';
import { statusJson } from '../commands/status.js';
import { type FreeTarget, free, projectPorts, queryPort, status } from '../core/actions/index.js';
import { killPort, planPortKill } from '../core/actions/kill.js';
import { scanForRows, statusOptions } from '../core/actions/live.js';
import { proxyUrls } from '../core/actions/proxy-urls.js';
import { waitForPort } from '../core/actions/wait.js';
import { PmError } from '../core/errors.js';
import { containerLabel, shortId } from '../core/model/containers.js';
import {
  dotenvLines,
  jsonVariables,
  projectVariables,
  servicePortName,
  withUrls,
} from '../core/model/env-vars.js';
import { DEFAULT_KILL_TIMEOUT_MS, type KillTarget } from '../core/model/kill.js';
import { compareNames, parseName } from '../core/model/names.js';
import type { Port } from '../core/model/port.js';
import { processLabel } from '../core/model/program.js';
import { primaryListener, statusRows } from '../core/model/status.js';
import type { ListenerContainer } from '../core/ports.js';
import { requireProject } from '../core/project/inference.js';
import { projectEnvWiring } from '../core/project/manifest.js';
import {
  allocation,
  cwdArg,
  killTarget,
  listener,
  portArg,
  portState,
  projectArg,
  proxyEndpoint,
  scanner,
  serviceArg,
  statusRow,
} from './schemas.js';
import {
  checkedPort,
  contextFor,
  directoryOf,
  projectOf,
  type TargetArgs,
  type ToolEnv,
  targetPort,
} from './targets.js';
import { foreign, foreignCommand } from './text.js';

export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  /** pm only ever looks at this machine. */
  readonly openWorldHint: false;
}

/** What a tool answers: exact structured content, and text lines for the agent to read. */
export interface ToolAnswer<S> {
  readonly structured: S;
  readonly lines: readonly string[];
  /** The call did not achieve what it asks (a wait that timed out, a kill not confirmed). */
  readonly failed?: boolean;
}

export interface ToolSpec<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly annotations: ToolAnnotations;
  readonly input: I;
  readonly output: O;
  run(args: z.infer<z.ZodObject<I>>, env: ToolEnv): Promise<ToolAnswer<z.infer<z.ZodObject<O>>>>;
}

/** Keeps each entry's types checked while the table holds them all. */
function tool<I extends z.ZodRawShape, O extends z.ZodRawShape>(spec: ToolSpec<I, O>): ToolSpec {
  return spec as unknown as ToolSpec;
}

const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** free and kill: they undo something (an allocation, a process), and twice is not once. */
const DESTRUCTIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

const DEFAULT_WAIT_S = 30;
const MAX_WAIT_S = 300;

function urlOf(port: Port): string {
  return `http://localhost:${port}`;
}

/** A listener as far as `who` needs it: the scanner's shape or the JSON one. */
interface Holder {
  readonly pid?: number | null | undefined;
  readonly process?: string | null | undefined;
  readonly program?: string | null | undefined;
  readonly command?: readonly string[] | null | undefined;
  /** The container whose published port it is (either shape has these). */
  readonly container?: Pick<ListenerContainer, 'id' | 'name' | 'image'> | null | undefined;
}

/** 'pid 4242 "vite (node)" command "vite --host"': who a listener is, foreign parts quoted. */
function who(holder: Holder | undefined): string {
  if (holder === undefined) return 'nobody';
  // A forwarder's pid is the engine's: the container is who holds the port.
  if (holder.container)
    return `${foreign(containerLabel(holder.container))} id ${shortId(holder.container.id)}`;
  if (holder.pid === undefined || holder.pid === null) {
    return 'a process of another user (pid hidden)';
  }
  const label = processLabel(holder.process ?? undefined, holder.program ?? undefined);
  const command = foreignCommand(holder.command);
  return [`pid ${holder.pid}`, label && foreign(label), command && `command ${command}`]
    .filter(Boolean)
    .join(' ');
}

function targetJson(target: KillTarget) {
  return {
    pid: target.pid,
    label: target.label ?? null,
    start_time: new Date(target.startTime).toISOString(),
    listeners: target.listeners.map(listenerJson),
  };
}

function targetLine(target: KillTarget): string {
  return who(primaryListener(target.listeners) ?? { pid: target.pid });
}

const targetInput = {
  service: serviceArg.optional(),
  project: projectArg,
  port: portArg.optional().describe('A port instead of a service: whoever holds it.'),
  cwd: cwdArg,
};

const context = tool({
  name: 'context',
  title: 'Project context',
  description:
    "The project and git worktree a directory belongs to, as pm infers it: every service declared in its .pm.toml or allocated in pm's registry, with its port, URL, env variable, state (idle / active / conflict / moved with moved_to) and who listens. Call this first in a repository instead of guessing ports.",
  annotations: READ_ONLY,
  input: { cwd: cwdArg },
  output: {
    directory: z.string(),
    project: z.string(),
    path: z.string().describe('The directory recorded (or to be recorded) for the project'),
    worktree_of: z.string().nullable().describe('A linked git worktree: its main project'),
    manifest: z.string().nullable().describe('The .pm.toml that declares the project'),
    services: z.array(
      z.object({
        service: z.string(),
        declared: z.boolean().describe('Declared in the manifest'),
        port: z.number().int().nullable().describe('null: not allocated yet (call port)'),
        url: z.string().nullable(),
        env: z.string().describe('The variable pm run and pm env set to its port'),
        state: z.union([portState, z.literal('unallocated')]),
        moved_to: z.number().int().nullable(),
        listeners: z.array(listener),
      }),
    ),
    worktrees: z
      .array(z.object({ project: z.string(), path: z.string().nullable() }))
      .describe('The other worktrees of the same project pm has recorded'),
    scanner,
  },
  async run(args, env) {
    const dir = directoryOf(env, args.cwd);
    const { registry } = await env.deps.store.read();
    const here = requireProject(registry, dir);
    const allocated = registry.projects.get(here.project)?.ports ?? new Map<string, Port>();
    const ports = new Set(allocated.values());
    const scan = await scanForRows(env.deps, registry, (port) => ports.has(port));
    const rows = statusRows(registry, scan, statusOptions(env.deps)).filter(
      (row) => row.project === here.project,
    );
    const declared = here.manifest?.services ?? [];
    const names = [...new Set([...declared.map((s) => s.service), ...allocated.keys()])].sort(
      compareNames,
    );
    const services = names.map((service) => {
      const row = rows.find((candidate) => candidate.service === service);
      const declaration = declared.find((entry) => entry.service === service);
      return {
        service,
        declared: declaration !== undefined,
        port: row?.port ?? null,
        url: row ? urlOf(row.port) : null,
        env: declaration?.env ?? servicePortName(service),
        state: row?.state ?? ('unallocated' as const),
        moved_to: row?.moved?.port ?? null,
        listeners: (row?.listeners ?? []).map(listenerJson),
      };
    });
    const base = here.worktreeOf ?? here.project;
    const worktrees = [...registry.projects]
      .filter(
        ([name, entry]) => name !== here.project && (name === base || entry.worktreeOf === base),
      )
      .map(([name, entry]) => ({ project: name, path: entry.path ?? null }))
      .sort((a, b) => compareNames(a.project, b.project));
    const lines = [
      `project ${foreign(here.project)}${here.worktreeOf ? ` (a git worktree of ${foreign(here.worktreeOf)})` : ''} at ${foreign(here.path)}`,
      ...(here.manifest ? [`manifest ${foreign(here.manifest.file)}`] : []),
      ...services.map((entry) => {
        const name = foreign(entry.service);
        if (entry.port === null) return `${name}: not allocated yet (declared; call port)`;
        const row = rows.find((candidate) => candidate.service === entry.service);
        const moved = entry.moved_to !== null ? ` to ${entry.moved_to}` : '';
        const listening =
          entry.state === 'idle'
            ? ''
            : `, ${who(primaryListener(row?.moved?.listeners ?? row?.listeners ?? []))}`;
        return `${name}: port ${entry.port} ${entry.url} ${entry.env}, ${entry.state}${moved}${listening}`;
      }),
      ...(services.length === 0 ? ['no services declared or allocated'] : []),
    ];
    return {
      structured: {
        directory: dir,
        project: here.project,
        path: here.path,
        worktree_of: here.worktreeOf ?? null,
        manifest: here.manifest?.file ?? null,
        services,
        worktrees,
        scanner: scan.ok
          ? { backend: env.deps.scanner.backend, available: true }
          : { backend: env.deps.scanner.backend, available: false, reason: scan.reason },
      },
      lines,
    };
  },
});

const port = tool({
  name: 'port',
  title: 'Get or allocate a port',
  description:
    "The port of a service: the one pm already handed out, or a new free one recorded in pm's registry under its lock (the same rule as `pm allocate`). Idempotent: call it again and get the same port. Use this port for the dev server instead of a default like 3000.",
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  input: {
    service: serviceArg,
    project: projectArg,
    cwd: cwdArg,
    port: portArg.optional().describe('Exactly this port (refused when taken or in use).'),
    prefer: portArg.optional().describe('Search upward from this port.'),
  },
  output: {
    ...allocation.shape,
    created: z.boolean().describe('False: the service already had this port'),
    url: z.string(),
    warnings: z.array(z.string()),
  },
  async run(args, env) {
    const ctx = contextFor(env, directoryOf(env, args.cwd));
    const result = await allocateFor(ctx, args.project, args.service, {
      ...(args.port !== undefined ? { port: checkedPort(args.port) } : {}),
      ...(args.prefer !== undefined ? { prefer: checkedPort(args.prefer) } : {}),
      force: false,
    });
    return {
      structured: {
        project: result.project,
        service: result.service,
        port: result.port,
        created: result.created,
        url: urlOf(result.port),
        warnings: [...result.warnings],
      },
      lines: [
        `${foreign(`${result.project}/${result.service}`)}: port ${result.port} ${urlOf(result.port)} (${result.created ? 'newly allocated' : 'already allocated'})`,
        ...result.warnings.map((warning) => `warning: ${foreign(warning, 300)}`),
      ],
    };
  },
});

const envTool = tool({
  name: 'env',
  title: 'Port variables',
  description:
    "The environment variables `pm env` gives a project's services: <SERVICE>_PORT (a number) and <SERVICE>_URL (a string) for each service, with the prefixes and URL templates of the project's .pm.toml, the same wherever it is asked (a .pm.toml env name is for `pm run` of that service only), and <SERVICE>_URL is its name through pm proxy while pm proxy runs.",
  annotations: READ_ONLY,
  input: { project: projectArg, cwd: cwdArg },
  output: {
    project: z.string(),
    variables: z.record(z.string(), z.union([z.number().int(), z.string()])),
  },
  async run(args, env) {
    const ctx = contextFor(env, directoryOf(env, args.cwd));
    const { project } = await projectFor(ctx, args.project, 'env');
    // As `pm env`: <SERVICE>_PORT/_URL from the project's manifest, the same wherever it is asked.
    const vars = withUrls(
      projectVariables(
        await projectPorts(env.deps, project),
        await projectEnvWiring(env.deps, project),
      ),
      await proxyUrls(env.deps, project),
    );
    return {
      structured: { project, variables: jsonVariables(vars) },
      lines: [`variables of ${foreign(project)}:`, ...dotenvLines(vars)],
    };
  },
});

const statusTool = tool({
  name: 'status',
  title: 'All allocations',
  description:
    "Every allocation in pm's registry with its live state and who listens, or those of one project and its worktrees.",
  annotations: READ_ONLY,
  input: {
    project: z.string().optional().describe('Only this project and its worktrees.'),
  },
  output: {
    registry: z.string(),
    range: z.object({ start: z.number().int(), end: z.number().int() }),
    scanner,
    proxy: proxyEndpoint,
    allocations: z.array(statusRow),
  },
  async run(args, env) {
    const project = args.project === undefined ? undefined : parseName(args.project, 'project');
    const [view, proxy] = await Promise.all([status(env.deps), env.deps.proxy?.()]);
    const json = statusJson(view, env.registryPath, false, proxy);
    const allocations =
      project === undefined
        ? json.allocations
        : json.allocations.filter((row) => row.project === project || row.worktree === project);
    if (project !== undefined && allocations.length === 0) {
      throw new PmError('NOT_FOUND', `project '${project}' has no allocations`, [
        { kind: 'list-allocations' },
        { kind: 'allocate', project },
      ]);
    }
    const lines = allocations.map((row) => {
      const moved = row.moved_to !== null ? ` to ${row.moved_to}` : '';
      const listening = row.state === 'idle' ? '' : `, ${who(row)}`;
      return `${foreign(`${row.project}/${row.service}`)}: port ${row.port}, ${row.state}${moved}${listening}`;
    });
    return {
      structured: { ...json, allocations },
      lines: lines.length > 0 ? lines : ['no allocations yet'],
    };
  },
});

const whoTool = tool({
  name: 'who',
  title: 'Who holds a port',
  description:
    'What holds a port: each listening process with its program, command line, working directory and owner, and the allocation the port belongs to, if any.',
  annotations: READ_ONLY,
  input: { port: portArg },
  output: {
    port: z.number().int(),
    owner: allocation.omit({ port: true }).nullable().describe('The allocation of this port'),
    path: z.string().nullable(),
    state: portState.nullable(),
    moved_to: z
      .number()
      .int()
      .nullable()
      .describe("State moved: the port the owner's own process listens on instead"),
    listeners: z.array(
      listener.extend({
        cwd: z.string().nullable(),
        user: z.string().nullable(),
        start_time: z.string().nullable(),
      }),
    ),
    scanner,
  },
  async run(args, env) {
    const result = await queryPort(env.deps, checkedPort(args.port));
    const listeners = await Promise.all(
      result.listeners.map(async (raw) => {
        const detail =
          raw.pid === undefined ? undefined : await env.deps.inspector?.detail(raw.pid);
        return {
          ...listenerJson(raw),
          ...(detail?.command && raw.command === undefined ? { command: [...detail.command] } : {}),
          cwd: detail?.cwd ?? null,
          user: detail?.user ?? null,
          start_time:
            detail?.startTime !== undefined ? new Date(detail.startTime).toISOString() : null,
        };
      }),
    );
    const owner = result.owner
      ? `${foreign(`${result.owner.project}/${result.owner.service}`)} (${result.state ?? 'unknown'})`
      : 'not allocated';
    const lines = [
      `port ${result.port}: ${owner}`,
      ...(!result.scanner.available
        ? [`listening: unknown (${foreign(result.scanner.reason ?? '')})`]
        : listeners.length === 0
          ? ['listening: nothing']
          : listeners.map((entry) => {
              const where = `${entry.protocol} ${foreign(entry.address)}:${entry.port}`;
              const cwd = entry.cwd === null ? '' : ` in ${foreign(entry.cwd)}`;
              const user = entry.user === null ? '' : ` user ${foreign(entry.user)}`;
              return `listening: ${where} ${who(entry)}${cwd}${user}`;
            })),
    ];
    return {
      structured: { ...portJson(result), listeners },
      lines,
    };
  },
});

const waitTool = tool({
  name: 'wait',
  title: 'Wait for a service',
  description:
    'Waits until a service (or a port) accepts TCP connections on loopback, or with http_path answers HTTP below 500, up to timeout_s seconds. When it does not, says what listens instead (the service on another port, or something else on its port).',
  annotations: READ_ONLY,
  input: {
    ...targetInput,
    timeout_s: z
      .number()
      .min(0)
      .max(MAX_WAIT_S)
      .optional()
      .describe(`Seconds to wait (default ${DEFAULT_WAIT_S}, at most ${MAX_WAIT_S}).`),
    http_path: z
      .string()
      .optional()
      .describe('Also wait for GET of this path (e.g. /) to answer below 500.'),
  },
  output: {
    port: z.number().int(),
    ready: z.boolean(),
    waited_ms: z.number().int(),
    address: z.string().nullable().describe('The loopback address that accepted'),
    http_status: z.number().int().nullable(),
    listening_instead: z
      .object({ port: z.number().int(), listeners: z.array(listener) })
      .nullable(),
  },
  async run(args, env) {
    const port = await targetPort(env, args);
    const path = args.http_path;
    if (path !== undefined && !path.startsWith('/')) {
      throw new PmError('USAGE', `http_path '${path}' must start with /`, 'pass a path like /');
    }
    const outcome = await waitForPort({ ...env.deps, reach: env.reach }, port, {
      timeoutMs: Math.round((args.timeout_s ?? DEFAULT_WAIT_S) * 1000),
      ...(path !== undefined ? { httpPath: path } : {}),
    });
    const instead = outcome.instead;
    const lines = outcome.ready
      ? [
          `port ${port} is up${outcome.httpStatus !== undefined ? ` (HTTP ${outcome.httpStatus})` : ''} after ${outcome.waitedMs} ms`,
        ]
      : [
          `port ${port} not ready after ${outcome.waitedMs} ms${outcome.httpStatus !== undefined ? ` (last HTTP status ${outcome.httpStatus})` : ''}`,
          instead === undefined
            ? 'nothing listens on it'
            : instead.port === port
              ? `held by ${who(primaryListener(instead.listeners))}`
              : `the service's own process listens on port ${instead.port} instead: ${who(primaryListener(instead.listeners))}`,
        ];
    return {
      structured: {
        port,
        ready: outcome.ready,
        waited_ms: outcome.waitedMs,
        address: outcome.address ?? null,
        http_status: outcome.httpStatus ?? null,
        listening_instead: instead
          ? { port: instead.port, listeners: instead.listeners.map(listenerJson) }
          : null,
      },
      lines,
      failed: !outcome.ready,
    };
  },
});

const freeTool = tool({
  name: 'free',
  title: 'Release a port',
  description:
    "Releases an allocation in pm's registry: one service, every service of a project (all: true), or whichever service owns a port. It stops no process.",
  annotations: DESTRUCTIVE,
  input: {
    ...targetInput,
    all: z.boolean().optional().describe('Every service of the project (leave service out).'),
  },
  output: { freed: z.array(allocation) },
  async run(args, env) {
    const target = await freeTarget(env, args);
    const freed = await free(env.deps, target);
    return {
      structured: { freed },
      lines: freed.map(
        (entry) => `released ${foreign(`${entry.project}/${entry.service}`)} (port ${entry.port})`,
      ),
    };
  },
});

async function freeTarget(
  env: ToolEnv,
  args: TargetArgs & { readonly all?: boolean | undefined },
): Promise<FreeTarget> {
  if (args.port !== undefined) {
    if (args.service !== undefined || args.project !== undefined || args.all) {
      throw new PmError('USAGE', 'pass port alone, or service / all with project or cwd');
    }
    return { kind: 'port', port: checkedPort(args.port) };
  }
  if (args.all === true && args.service !== undefined) {
    throw new PmError('USAGE', 'pass service or all: true, not both');
  }
  if (args.all !== true && args.service === undefined) {
    throw new PmError(
      'USAGE',
      'missing target: pass service, all: true, or port',
      'pass service for one service, all: true for the whole project, or port',
    );
  }
  const project = await projectOf(env, args);
  return args.all === true
    ? { kind: 'project', project }
    : { kind: 'service', project, service: args.service as string };
}

const killTool = tool({
  name: 'kill',
  title: 'Stop a listener',
  description:
    "Stops the process listening on a service's port (or a port) with pm kill's rules: SIGTERM, then SIGKILL after timeout_s; it re-checks the process's start time, and never signals pid 1, pm, pm's parents or another user's process. Without confirm: true it only says what it would stop (an error result): show that to the user, then call again with confirm: true and expect_pid.",
  annotations: DESTRUCTIVE,
  input: {
    ...targetInput,
    confirm: z.boolean().optional().describe('true to really signal; else a dry run'),
    expect_pid: z
      .number()
      .int()
      .optional()
      .describe('The pid the dry run named: refused if another process holds the port now'),
    timeout_s: z.number().min(0).max(3600).optional().describe('Seconds before SIGKILL'),
  },
  output: {
    port: z.number().int(),
    confirmed: z.boolean(),
    freed: z.boolean().describe('Nothing listens on the port any more'),
    signals: z.array(z.string()),
    processes: z.array(killTarget),
  },
  async run(args, env) {
    const port = await targetPort(env, args);
    const control = env.deps.control;
    if (!control) {
      throw new PmError('KILL_REFUSED', 'pm cannot signal processes here', 'stop it by hand');
    }
    const deps = {
      scanner: env.deps.scanner,
      control,
      ...(env.deps.containers ? { containers: env.deps.containers } : {}),
    };
    if (args.confirm !== true) {
      const plan = await planPortKill(deps, port);
      const targets = plan.targets;
      return {
        structured: {
          port,
          confirmed: false,
          freed: false,
          signals: [],
          processes: targets.map(targetJson),
        },
        lines: [
          `not confirmed: nothing was signalled. kill would stop, on port ${port}:`,
          ...plan.containers.map(
            (target) => `${foreign(target.label)} (stopped through its engine)`,
          ),
          ...targets.map(targetLine),
          targets.length > 0
            ? `to stop it, call kill again with confirm: true and expect_pid: ${targets[0]?.pid}`
            : 'to stop it, call kill again with confirm: true',
        ],
        failed: true,
      };
    }
    const result = await killPort(deps, port, {
      timeoutMs:
        args.timeout_s !== undefined ? Math.round(args.timeout_s * 1000) : DEFAULT_KILL_TIMEOUT_MS,
      ...(args.expect_pid !== undefined ? { expectPid: args.expect_pid } : {}),
    });
    const signals = result.sent.map((name) => `SIG${name}`);
    return {
      structured: {
        port,
        confirmed: true,
        freed: result.freed,
        signals,
        processes: result.targets.map(targetJson),
      },
      lines: [
        result.freed
          ? `stopped with ${signals.join(', then ')}; port ${port} is free:`
          : `sent ${signals.join(', then ')}, but port ${port} is still listened on:`,
        ...result.containers.map(
          (target) => `${foreign(target.label)} (stopped through its engine)`,
        ),
        ...result.targets.map(targetLine),
      ],
      failed: !result.freed,
    };
  },
});

export const TOOLS: readonly ToolSpec[] = [
  context,
  port,
  envTool,
  statusTool,
  whoTool,
  waitTool,
  freeTool,
  killTool,
];
