// The kill overlay: "stop this process?" for the row's listener, y sends the kill, n closes.

import type { KillResult } from '../../core/actions/kill.js';
import { killMessage } from '../../view/kill.js';
import { sanitize } from '../../view/sanitize.js';
import type { KeyAction } from '../keys/keymap.js';
import type { Message } from './messages.js';
import type { DashboardRow } from './rows.js';
import { closeOverlay, notify, send, type UiState } from './state.js';

/** The process (or container) the user is asked to stop, as the question named it. */
export interface KillRequest {
  readonly port: number;
  /** The process to signal; absent when a container is stopped through its engine. */
  readonly pid?: number;
  readonly label?: string;
  readonly containerId?: string;
}

/** "vite (node), pid 4242, on port 5173": how the y/n question names what it stops. */
export function describeKill(target: KillRequest): string {
  if (target.containerId !== undefined) {
    return `${sanitize(target.label ?? `container ${target.containerId.slice(0, 12)}`)}, on port ${target.port}`;
  }
  return `${target.label ? `${sanitize(target.label)}, ` : ''}pid ${target.pid}, on port ${target.port}`;
}

/** The y/n question for the row's listener, or why there is nothing pm can stop. */
export function killRequestOf(row: DashboardRow | undefined): KillRequest | Message {
  if (row === undefined) return { tone: 'warning', text: 'nothing selected to stop' };
  const holder = row.holder;
  if (holder === undefined) {
    return { tone: 'warning', text: `nothing listens on port ${row.port}: nothing to stop` };
  }
  if (holder.containerId !== undefined) {
    return {
      port: holder.port,
      containerId: holder.containerId,
      ...(holder.label !== undefined ? { label: holder.label } : {}),
    };
  }
  if (holder.pid === undefined) {
    return {
      tone: 'warning',
      text: `port ${holder.port} is held by a process of another user: pm cannot see its pid`,
      hint: 'stop it as its owner (or as root)',
    };
  }
  return {
    port: holder.port,
    pid: holder.pid,
    ...(holder.label !== undefined ? { label: holder.label } : {}),
  };
}

/** What an active row's free question adds: the process that keeps listening. */
export function stillListening(row: DashboardRow | undefined): KillRequest | undefined {
  if (row === undefined || (row.state !== 'active' && row.state !== 'conflict')) return undefined;
  const request = killRequestOf(row);
  return 'tone' in request ? undefined : request;
}

/** x on a row (table or detail): the question, or why there is nothing to stop. */
export function askKill(state: UiState, row: DashboardRow | undefined): UiState {
  const request = killRequestOf(row);
  if ('tone' in request) return notify(state, request);
  return openKill(state, request);
}

export function openKill(state: UiState, target: KillRequest): UiState {
  return { ...state, overlay: { kind: 'kill', target } };
}

export function killKey(state: UiState, action: KeyAction): UiState {
  if (state.overlay.kind !== 'kill') return state;
  switch (action) {
    case 'killYes': {
      const { target } = state.overlay;
      const asking = notify(closeOverlay(state), {
        tone: 'info',
        text: `stopping ${describeKill(target)}…`,
      });
      return send(asking, { kind: 'kill', target });
    }
    case 'killNo':
      return closeOverlay(state);
    default:
      return state;
  }
}

/** The kill's outcome, whatever is open by then. */
export function killed(state: UiState, result: KillResult): UiState {
  return notify(state, { tone: result.freed ? 'success' : 'error', text: killMessage(result) });
}
