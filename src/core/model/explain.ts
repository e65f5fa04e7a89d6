// Why a row's state is what it is, in words: the detail view shows it under the state. Pure;
// the caller gives the facts (the project's path, the listener's working directory).
import { containerLabel } from './containers.js';
import { processLabel } from './program.js';
import {
  addressesOf,
  type NamedListener,
  type PortState,
  primaryListener,
  type StatusRow,
} from './status.js';

/**
 * "pid not visible to pm (uid 0)": what is known of a listener without a pid. Not "another
 * user": pm as root, or a process in another pid namespace, is hidden just the same.
 */
export function hiddenPid(listener: { readonly uid?: number | undefined }): string {
  return `pid not visible to pm${listener.uid === undefined ? '' : ` (uid ${listener.uid})`}`;
}

/** "a process whose pid is not visible to pm (uid 0)". */
export function hiddenProcess(listener: { readonly uid?: number | undefined }): string {
  return `a process whose ${hiddenPid(listener).replace('pid', 'pid is')}`;
}

/** "vite (node) (pid 42)" or "a process whose pid is not visible to pm (uid 0)". */
export function listenerName(listener: NamedListener | undefined): string {
  if (listener === undefined) return 'nothing';
  if (listener.container) return containerLabel(listener.container);
  if (listener.pid === undefined) return hiddenProcess(listener);
  const label = processLabel(listener.process, listener.program);
  return `${label ? `${label} ` : ''}(pid ${listener.pid})`;
}

export interface StateFacts {
  /** The project's recorded directory, when it has one. */
  readonly projectPath?: string;
  /** Working directory of the listening process, where the OS lets pm see it. */
  readonly listenerCwd?: string;
  /** The scanner's reason when states are unknown. */
  readonly scannerReason?: string;
}

/** One sentence on why `row` is in its state. */
export function explainState(
  row: Pick<StatusRow, 'port' | 'state' | 'listeners' | 'moved' | 'heldBy'>,
  facts: StateFacts = {},
): string {
  const holder = primaryListener(row.listeners);
  const reasons: Record<PortState, () => string> = {
    idle: () => `nothing listens on port ${row.port}`,
    active: () =>
      `${listenerName(holder)} listens on ${addressesOf(row.listeners)} port ${row.port}${
        facts.projectPath !== undefined && facts.listenerCwd !== undefined
          ? `, working in ${facts.listenerCwd} (inside the project)`
          : ''
      }`,
    conflict: () =>
      row.heldBy !== undefined
        ? `${listenerName(holder)}, started by pm run for ${row.heldBy}, holds port ${row.port}: that service drifted onto this one's port`
        : `${listenerName(holder)} holds port ${row.port} but works in ${
            facts.listenerCwd ?? 'a directory pm cannot see'
          }, outside the project's path ${facts.projectPath ?? '(not recorded)'}`,
    moved: () =>
      row.moved
        ? `${row.listeners.length > 0 ? `${listenerName(holder)} holds port ${row.port}` : `nothing listens on port ${row.port}`}; the service's own process ${listenerName(
            primaryListener(row.moved.listeners),
          )} listens on port ${row.moved.port} instead`
        : `the service listens on another port`,
    unknown: () =>
      `the socket scanner is unavailable${facts.scannerReason ? `: ${facts.scannerReason}` : ''}`,
  };
  return reasons[row.state]();
}
