import { queryService } from '../core/actions/index.js';
import { killPort } from '../core/actions/kill.js';
import { PmError } from '../core/errors.js';
import type { KillSignal } from '../core/model/kill.js';
import { type Port, parsePort } from '../core/model/port.js';
import { inferProject, noProjectError } from '../core/project/inference.js';
import { killMessage } from '../view/kill.js';
import { type Context, expectArgs, listenerJson, printJson } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const killSpec: CommandSpec = {
  name: 'kill',
  usage: [
    'kill <project> <service> [--timeout S] [--signal NAME]',
    'kill :<port> [--timeout S] [--signal NAME]',
    'kill <service>   (of the project of the current directory)',
  ],
  summary:
    'stop the process listening on a port: SIGTERM, then SIGKILL after --timeout; exit 0 when the port is free',
  examples: ['pm kill shop web', 'pm kill :3000 --timeout 2', 'pm kill :3000 --signal INT'],
  flags: ['timeout', 'signal'],
  run: async ({ ctx, input, flags }) => runKill(ctx, input, flags),
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

async function portOf(ctx: Context, target: KillTargetArgs): Promise<Port> {
  if (target.kind === 'port') return target.port;
  let project = target.project;
  if (project === undefined) {
    project = inferProject((await ctx.deps.store.read()).registry, ctx.cwd)?.project;
    if (project === undefined) throw noProjectError(ctx.cwd);
  }
  return (await queryService(ctx.deps, project, target.service)).port;
}

export async function runKill(
  ctx: Context,
  input: readonly string[],
  flags: { readonly timeout?: number | undefined; readonly signal?: KillSignal | undefined },
): Promise<number> {
  const port = await portOf(ctx, parseKillTarget(input));
  const control = ctx.deps.control;
  if (!control) {
    throw new PmError('KILL_REFUSED', 'pm cannot signal processes here', 'stop it by hand');
  }
  const result = await killPort({ scanner: ctx.deps.scanner, control }, port, {
    ...(flags.signal !== undefined ? { signal: flags.signal } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
  });
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
