// The kill overlay: "stop this process?" for the row's listener, y sends the kill, n closes.

import type { KillResult } from '../../core/actions/kill.js';
import { hiddenProcess } from '../../core/model/explain.js';
import type { ProcessDetail } from '../../core/ports.js';
import { killMessage, type Owners, ownerPhrase } from '../../view/kill.js';
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
  /** The owner's uid, from the scan. */
  readonly uid?: number;
  /** "of user bob (uid 1001)" once the process was read, when it is not the caller's own. */
  readonly owner?: string;
  /** Its working directory, once read. Foreign: sanitized when shown. */
  readonly cwd?: string;
}

/**
 * "vite (node), pid 4242, on port 5173, of user bob (uid 1001), in /srv/shop": how the y/n
 * question names what it stops (owner and directory once the process was read).
 */
export function describeKill(target: KillRequest): string {
  if (target.containerId !== undefined) {
    return `${sanitize(target.label ?? `container ${target.containerId.slice(0, 12)}`)}, on port ${target.port}`;
  }
  const extra = [target.owner, target.cwd === undefined ? undefined : `in ${target.cwd}`]
    .filter((part) => part !== undefined)
    .map((part) => `, ${sanitize(part as string)}`)
    .join('');
  return `${target.label ? `${sanitize(target.label)}, ` : ''}pid ${target.pid}, on port ${target.port}${extra}`;
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
      text: `port ${holder.port} is held by ${hiddenProcess(holder)}`,
      hint: 'stop it as its owner (or as root)',
    };
  }
  return {
    port: holder.port,
    pid: holder.pid,
    ...(holder.label !== undefined ? { label: holder.label } : {}),
    ...(holder.uid !== undefined ? { uid: holder.uid } : {}),
  };
}

/** What an active row's free question adds: the process that keeps listening. */
export function stillListening(row: DashboardRow | undefined): KillRequest | undefined {
  // A moved service's own process keeps running on the port it moved to.
  const listened = row?.state === 'active' || row?.state === 'conflict' || row?.state === 'moved';
  if (row === undefined || !listened) return undefined;
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
  const asking: UiState = { ...state, overlay: { kind: 'kill', target } };
  // Whose process and where it runs join the question once read (never on a refresh); a
  // container is named by its engine, there is no process to read.
  return target.pid === undefined ? asking : send(asking, { kind: 'detail', pid: target.pid });
}

/** The question's process, with its owner and directory from the detail just read. */
export function withOwner(
  state: UiState,
  pid: number,
  detail: ProcessDetail | undefined,
  selfUid: number | undefined,
): UiState {
  const { overlay } = state;
  if (overlay.kind !== 'kill' || overlay.target.pid !== pid) return state;
  const { target } = overlay;
  const uid = detail?.uid ?? target.uid;
  const owner = uid !== undefined && uid !== selfUid ? ownerPhrase(uid, detail?.user) : undefined;
  const named: KillRequest = {
    ...target,
    ...(owner !== undefined ? { owner } : {}),
    ...(detail?.cwd !== undefined ? { cwd: detail.cwd } : {}),
  };
  return { ...state, overlay: { ...overlay, target: named } };
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
export function killed(state: UiState, result: KillResult, owners?: Owners): UiState {
  return notify(state, {
    tone: result.freed ? 'success' : 'error',
    text: killMessage(result, owners),
  });
}
