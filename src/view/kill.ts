// How a kill's outcome reads, the same in the CLI (stderr) and the dashboard's message line.
import type { KillPlan, KillResult } from '../core/actions/kill.js';
import { describePlan, describeTarget } from '../core/model/kill.js';
import { sanitize } from './sanitize.js';

/** "of user bob (uid 1001)" per pid, for processes that are not the caller's own. */
export type Owners = ReadonlyMap<number, string>;

/** "of user bob (uid 1001)", or "of uid 1001" when the name is unknown. */
export function ownerPhrase(uid: number, user: string | undefined): string {
  return user === undefined ? `of uid ${uid}` : `of user ${user} (uid ${uid})`;
}

/** "container web-1 (postgres:16)", sanitized: names and images are the engine user's. */
function containerNames(result: Pick<KillResult, 'containers'>): string {
  return result.containers.map((target) => sanitize(target.label)).join(', ');
}

/** "vite (node) (pid 4242)", sanitized: labels come from other processes. */
export function killedNames(result: Pick<KillResult, 'targets'>, owners?: Owners): string {
  return result.targets
    .map((target) => {
      const owner = owners?.get(target.pid);
      return sanitize(`${describeTarget(target)}${owner ? ` ${owner}` : ''}`);
    })
    .join(', ');
}

export function killMessage(result: KillResult, owners?: Owners): string {
  const took =
    result.sent.length > 1 ? `SIG${result.sent[0]}, then SIGKILL` : `SIG${result.sent[0]}`;
  const run = result.session
    ? ` (the pm run of ${sanitize(result.session.service)}: its listener and every process of that run)`
    : '';
  const processes =
    result.targets.length === 0
      ? undefined
      : result.freed
        ? `stopped ${killedNames(result, owners)}${run} on port ${result.port} with ${took}`
        : `sent ${took} to ${killedNames(result, owners)}`;
  const containers =
    result.containers.length === 0
      ? undefined
      : result.freed
        ? `stopped ${containerNames(result)} through its engine`
        : `asked the engine to stop ${containerNames(result)}`;
  const done = [containers, processes].filter((part) => part !== undefined).join('; ');
  return result.freed
    ? `${done}; port ${result.port} is free`
    : `${done}, but port ${result.port} is still listened on`;
}

/** What the dry run knows of a process beyond the plan: its owner, command line and directory. */
export interface DryRunFacts {
  readonly owners?: Owners;
  readonly facts?: ReadonlyMap<
    number,
    { readonly command?: readonly string[]; readonly cwd?: string }
  >;
}

/** `pm kill --dry-run`: what would be stopped, and how. */
export function dryRunMessage(
  plan: KillPlan,
  timeoutMs: number,
  signal: string,
  known: DryRunFacts = {},
): string {
  const lines: string[] = [];
  for (const target of plan.containers) {
    lines.push(
      `would stop ${sanitize(target.label)} (id ${target.container.id.slice(0, 12)}) through its engine: its stop signal, then KILL after ${timeoutMs / 1000} s`,
    );
  }
  if (plan.session) {
    lines.push(
      `port ${plan.port} is held by the pm run of ${sanitize(plan.session.service)}: every process of that run would be stopped, its first (pid ${plan.session.head}) first`,
    );
  }
  for (const target of plan.targets) {
    const facts = known.facts?.get(target.pid);
    const command = facts?.command ? `: ${facts.command.join(' ')}` : '';
    const cwd = facts?.cwd === undefined ? '' : ` (in ${facts.cwd})`;
    const escalation =
      signal === 'KILL'
        ? ''
        : `, then SIGKILL after ${timeoutMs / 1000} s if the port is still held`;
    lines.push(
      `would send SIG${signal} to ${killedNames({ targets: [target] }, known.owners)} on port ${plan.port}${sanitize(`${command}${cwd}`)}${escalation}`,
    );
  }
  lines.push(
    `nothing was stopped (dry run): port ${plan.port} is held by ${sanitize(describePlan(plan))}`,
  );
  return lines.join('\n');
}
