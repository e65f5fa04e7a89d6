// How a kill's outcome reads, the same in the CLI (stderr) and the dashboard's message line.
import type { KillResult } from '../core/actions/kill.js';
import { describeTarget } from '../core/model/kill.js';
import { sanitize } from './sanitize.js';

/** "vite (node) (pid 4242)", sanitized: labels come from other processes. */
export function killedNames(result: KillResult): string {
  return result.targets.map((target) => sanitize(describeTarget(target))).join(', ');
}

export function killMessage(result: KillResult): string {
  const took =
    result.sent.length > 1 ? `SIG${result.sent[0]}, then SIGKILL` : `SIG${result.sent[0]}`;
  const run = result.session
    ? ` (the pm run of ${sanitize(result.session.service)}: its listener and every process of that run)`
    : '';
  return result.freed
    ? `stopped ${killedNames(result)}${run} on port ${result.port} with ${took}; port ${result.port} is free`
    : `sent ${took} to ${killedNames(result)}, but port ${result.port} is still listened on`;
}
