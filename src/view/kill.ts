// How a kill's outcome reads, the same in the CLI (stderr) and the dashboard's message line.
import type { KillResult } from '../core/actions/kill.js';
import { describeTarget } from '../core/model/kill.js';
import { sanitize } from './sanitize.js';

/** "of user bob (uid 1001)" per pid, for processes that are not the caller's own. */
export type Owners = ReadonlyMap<number, string>;

/** "of user bob (uid 1001)", or "of uid 1001" when the name is unknown. */
export function ownerPhrase(uid: number, user: string | undefined): string {
  return user === undefined ? `of uid ${uid}` : `of user ${user} (uid ${uid})`;
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
  return result.freed
    ? `stopped ${killedNames(result, owners)} on port ${result.port} with ${took}; port ${result.port} is free`
    : `sent ${took} to ${killedNames(result, owners)}, but port ${result.port} is still listened on`;
}
