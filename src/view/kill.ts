// How a kill's outcome reads, the same in the CLI (stderr) and the dashboard's message line.
import type { KillPlan, KillResult } from '../core/actions/kill.js';
import { describePlan, describeTarget } from '../core/model/kill.js';
import { sanitize } from './sanitize.js';

/** "vite (node) (pid 4242)", sanitized: labels come from other processes. */
export function killedNames(result: KillResult): string {
  return result.targets.map((target) => sanitize(describeTarget(target))).join(', ');
}

/** "container web-1 (postgres:16)", sanitized: names and images are the engine user's. */
function containerNames(result: Pick<KillResult, 'containers'>): string {
  return result.containers.map((target) => sanitize(target.label)).join(', ');
}

export function killMessage(result: KillResult): string {
  const took =
    result.sent.length > 1 ? `SIG${result.sent[0]}, then SIGKILL` : `SIG${result.sent[0]}`;
  const run = result.session
    ? ` (the pm run of ${sanitize(result.session.service)}: its listener and every process of that run)`
    : '';
  const processes =
    result.targets.length === 0
      ? undefined
      : result.freed
        ? `stopped ${killedNames(result)}${run} on port ${result.port} with ${took}`
        : `sent ${took} to ${killedNames(result)}`;
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

/** `pm kill --dry-run`: what would be stopped, and how. */
export function dryRunMessage(plan: KillPlan, timeoutMs: number, signal: string): string {
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
    lines.push(
      `would send SIG${signal} to ${sanitize(describeTarget(target))}${signal === 'KILL' ? '' : `, then SIGKILL after ${timeoutMs / 1000} s if port ${plan.port} is still held`}`,
    );
  }
  lines.push(
    `nothing was stopped (dry run): port ${plan.port} is held by ${sanitize(describePlan(plan))}`,
  );
  return lines.join('\n');
}
