// `pm wait [<project>] <service> | :PORT [--timeout S] [--http /PATH]`: exit 0 once the service
// answers, 1 at the timeout with the reason. Scripts chain on it: `pm wait shop api && npm test`.
import { type WaitResult, type WaitTarget, waitFor } from '../core/actions/wait.js';
import { parsePort } from '../core/model/port.js';
import { sanitize } from '../view/sanitize.js';
import { type Context, expectArgs, printJson, projectFor } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const waitSpec: CommandSpec = {
  name: 'wait',
  args: 'project-service',
  usage: [
    'wait <project> <service> [--timeout S] [--http /PATH]',
    'wait :<port> [--timeout S] [--http /PATH]',
    'wait <service>   (of the project of the current directory)',
  ],
  summary:
    'until a service accepts connections on loopback (or answers HTTP below 500): exit 0, or 1 at the timeout saying why',
  examples: [
    'pm wait shop api && npm test',
    'pm wait shop web --http / --timeout 60',
    'pm wait :5432 --timeout 10',
  ],
  flags: ['timeout', 'http'],
  flagNotes: { timeout: 'seconds to wait before giving up (default 30)' },
  run: ({ ctx, input, flags }) => runWait(ctx, input, flags),
};

const USAGE = usageLine(waitSpec);

export interface WaitFlags {
  /** Milliseconds (the flag table converts the seconds). */
  readonly timeout?: number | undefined;
  readonly http?: string | undefined;
}

export const DEFAULT_WAIT_MS = 30_000;

async function targetOf(ctx: Context, input: readonly string[]): Promise<WaitTarget> {
  expectArgs(input, 1, 2, USAGE);
  const [first, second] = input as [string, string | undefined];
  if (second === undefined && first.startsWith(':')) {
    return { kind: 'port', port: parsePort(first) };
  }
  const { project } = await projectFor(ctx, second === undefined ? undefined : first, 'wait');
  return { kind: 'service', project, service: second ?? first };
}

function describeResult(result: WaitResult): string {
  const what =
    result.project === undefined ? `port ${result.port}` : `${result.project}/${result.service}`;
  const how =
    result.httpStatus === undefined ? 'accepts connections' : `answers HTTP ${result.httpStatus}`;
  return `${what} ${how} on port ${result.port} (after ${(result.waitedMs / 1000).toFixed(1)} s)`;
}

export async function runWait(
  ctx: Context,
  input: readonly string[],
  flags: WaitFlags,
): Promise<number> {
  const target = await targetOf(ctx, input);
  const reach = ctx.deps.reach;
  if (reach === undefined) throw new Error('pm wait needs a reach probe in its dependencies');
  const timeoutMs = flags.timeout ?? DEFAULT_WAIT_MS;
  const result = await waitFor(
    { ...ctx.deps, reach },
    {
      target,
      timeoutMs,
      ...(flags.http !== undefined ? { httpPath: flags.http } : {}),
      onWaitingPort: (port) => {
        const what =
          target.kind === 'service'
            ? `${target.project}/${target.service} on port ${port}`
            : `port ${port}`;
        if (!ctx.json)
          ctx.io.err(ctx.style.dim(`waiting for ${what} (up to ${timeoutMs / 1000} s)`));
      },
    },
  );
  if (ctx.json) {
    printJson(ctx.io, {
      project: result.project ?? null,
      service: result.service ?? null,
      port: result.port,
      ready: true,
      http_status: result.httpStatus ?? null,
      waited_ms: Math.round(result.waitedMs),
      attempts: result.attempts,
    });
  } else {
    ctx.io.err(sanitize(describeResult(result)));
  }
  return 0;
}
