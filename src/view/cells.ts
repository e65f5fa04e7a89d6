// How a status row reads as text, shared by the snapshot (pm status) and the dashboard so the
// two never disagree. Names and process names come from files and other processes: cells hold
// them sanitized, so every width measured on a cell is the width that reaches the screen.
import { holderLabel } from '../core/model/containers.js';
import { projectLabel } from '../core/model/grouping.js';
import {
  addressesOf,
  type NamedListener,
  type PortState,
  primaryListener,
  type StatusRow,
  type UnmanagedRow,
} from '../core/model/status.js';
import { sanitize } from './sanitize.js';

export const COLUMNS = [
  'PROJECT',
  'SERVICE',
  'PORT',
  'STATE',
  'PID',
  'PROCESS',
  'ADDRESS',
] as const;
export type Column = (typeof COLUMNS)[number];
export type Cells = Readonly<Record<Column, string>>;

export const NONE = '-';

function listenerCells(
  listeners: readonly NamedListener[],
): Pick<Cells, 'PID' | 'PROCESS' | 'ADDRESS'> {
  const main = primaryListener(listeners);
  if (!main) return { PID: NONE, PROCESS: NONE, ADDRESS: NONE };
  // Several processes on one port (SO_REUSEPORT, a pre-fork server): show the first and count.
  const pids = new Set(
    listeners.map((listener) => listener.pid).filter((pid) => pid !== undefined),
  );
  const more = pids.size > 1 ? ` +${pids.size - 1}` : '';
  return {
    // A container's forwarder pid is the engine's, not the service's: never offered as one.
    PID: main.container ? NONE : main.pid === undefined ? '?' : `${main.pid}${more}`,
    // `vite (node)`: the program, and the executable when it differs. Never the command line.
    PROCESS:
      main.process === undefined && main.program === undefined && !main.container
        ? main.pid === undefined
          ? '(not visible)'
          : '?'
        : sanitize(holderLabel(main) ?? '?'),
    ADDRESS: sanitize(addressesOf(listeners)),
  };
}

export function rowCells(row: StatusRow): Cells {
  // A moved service shows where it listens instead, and which process that is.
  return {
    PROJECT: projectLabel(sanitize(row.project), row.worktreeOf),
    SERVICE: sanitize(row.service),
    PORT: String(row.port),
    STATE: row.moved ? `moved \u2192 ${row.moved.port}` : row.state,
    ...listenerCells(row.moved?.listeners ?? row.listeners),
  };
}

export function unmanagedCells(row: UnmanagedRow): Cells {
  return {
    PROJECT: NONE,
    SERVICE: NONE,
    PORT: String(row.port),
    STATE: 'unmanaged',
    ...listenerCells(row.listeners),
  };
}

export type DisplayState = PortState | 'unmanaged';
