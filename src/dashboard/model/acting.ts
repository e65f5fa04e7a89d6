// Acting on the selected row: the detail view, stopping its process, sorting, copying and
// opening its URL. The state it adds to the dashboard and the reducer for it, kept apart
// from state.ts so the table's own reducer stays as it was. Pure: IO goes out as requests.
import type { KillResult } from '../../core/actions/kill.js';
import { hiddenProcess } from '../../core/model/explain.js';
import type { ProcessDetail } from '../../core/ports.js';
import type { ProcessPart } from '../../view/detail.js';
import { killMessage, type Owners, ownerPhrase } from '../../view/kill.js';
import { sanitize } from '../../view/sanitize.js';
import type { KeyAction } from '../keys/keymap.js';
import type { FormState } from './form.js';
import type { Message } from './messages.js';
import { type DashboardRow, type DashboardRows, visibleRows } from './rows.js';
import { nextSort, type SortKey } from './sort.js';
import { activeFilter, selectedIndex, send, type UiState } from './state.js';

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

export type ActingOverlay =
  /** `key` is the row's; `process` what the inspector said, fetched once when opened. */
  | { readonly kind: 'detail'; readonly key: string; readonly process: ProcessPart }
  | { readonly kind: 'kill'; readonly target: KillRequest };

export type ActingRequest =
  | { readonly kind: 'detail'; readonly pid: number }
  | { readonly kind: 'kill'; readonly target: KillRequest }
  | { readonly kind: 'copy'; readonly url: string }
  | { readonly kind: 'open'; readonly url: string };

/** Results of acting requests, back from the app. */
export type ActingAction =
  | {
      readonly type: 'detailLoaded';
      readonly pid: number;
      readonly detail?: ProcessDetail;
      /** The dashboard's own uid: an owner other than it is named. */
      readonly selfUid?: number;
    }
  | { readonly type: 'detailFailed'; readonly pid: number; readonly reason: string }
  | { readonly type: 'killed'; readonly result: KillResult; readonly owners?: Owners }
  | { readonly type: 'copied'; readonly url: string }
  | {
      readonly type: 'opened';
      readonly url: string;
      readonly ok: boolean;
      readonly reason?: string;
    };

export type ActingKey = Extract<
  KeyAction,
  | 'detail'
  | 'closeDetail'
  | 'kill'
  | 'killYes'
  | 'killNo'
  | 'confirmKill'
  | 'sort'
  | 'copyUrl'
  | 'openUrl'
>;

export function urlOf(port: number): string {
  return `http://localhost:${port}`;
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

/** The rows as the table shows them: filtered, sorted, unmanaged ones when asked for. */
export function shownRows(state: UiState, rows: DashboardRows): DashboardRow[] {
  return visibleRows(rows, {
    filter: activeFilter(state),
    showUnmanaged: state.showUnmanaged,
    ...(state.sort !== undefined ? { sort: state.sort } : {}),
  });
}

/** The row a key acts on: the open detail's, else the selected one. */
function targetRow(state: UiState, rows: DashboardRows): DashboardRow | undefined {
  const all = [...rows.allocations, ...rows.unmanaged];
  if (state.overlay.kind === 'detail') {
    const key = state.overlay.key;
    return all.find((row) => row.key === key);
  }
  const shown = shownRows(state, rows);
  return shown[selectedIndex(state.selection, shown)];
}

const notify = (state: UiState, message: Message): UiState => ({ ...state, message });

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

/** The allocate form, prefilled from the row: its project; an unmanaged row's port. */
export function prefilledForm(row: DashboardRow | undefined): FormState {
  const project = row?.kind === 'allocation' ? row.project : '';
  const port = row?.kind === 'unmanaged' ? String(row.port) : '';
  return {
    purpose: { kind: 'allocate' },
    values: { project, service: '', port },
    // Straight to the first field still to fill in.
    focus: project === '' ? 0 : 1,
    submitting: false,
  };
}

/** The allocate key: the form, prefilled from the selected row. */
export function openPrefilledForm(state: UiState, rows: DashboardRows): UiState {
  return { ...state, overlay: { kind: 'form', form: prefilledForm(targetRow(state, rows)) } };
}

/** What an active row's free question adds: the process that keeps listening. */
export function stillListening(row: DashboardRow | undefined): KillRequest | undefined {
  // A moved service's own process keeps running on the port it moved to.
  const listened = row?.state === 'active' || row?.state === 'conflict' || row?.state === 'moved';
  if (row === undefined || !listened) return undefined;
  const request = killRequestOf(row);
  return 'tone' in request ? undefined : request;
}

function askKill(state: UiState, row: DashboardRow | undefined): UiState {
  const request = killRequestOf(row);
  if ('tone' in request) return notify(state, request);
  const asking: UiState = { ...state, overlay: { kind: 'kill', target: request } };
  // Whose process and where it runs join the question once read (never on a refresh); a
  // container is named by its engine, there is no process to read.
  return request.pid === undefined ? asking : send(asking, { kind: 'detail', pid: request.pid });
}

/** The question's process, with its owner and directory from the detail just read. */
function withOwner(
  target: KillRequest,
  detail: ProcessDetail | undefined,
  selfUid: number | undefined,
): KillRequest {
  const uid = detail?.uid ?? target.uid;
  const owner = uid !== undefined && uid !== selfUid ? ownerPhrase(uid, detail?.user) : undefined;
  return {
    ...target,
    ...(owner !== undefined ? { owner } : {}),
    ...(detail?.cwd !== undefined ? { cwd: detail.cwd } : {}),
  };
}

function openDetail(state: UiState, row: DashboardRow | undefined): UiState {
  if (row === undefined) return notify(state, { tone: 'warning', text: 'nothing selected' });
  const pid = row.holder?.pid;
  const process: ProcessPart = pid === undefined ? { kind: 'none' } : { kind: 'loading', pid };
  const opened: UiState = { ...state, overlay: { kind: 'detail', key: row.key, process } };
  // The process is read once, now, for this row only: never on a refresh.
  return pid === undefined ? opened : send(opened, { kind: 'detail', pid });
}

function withUrl(state: UiState, row: DashboardRow | undefined, kind: 'copy' | 'open'): UiState {
  if (row === undefined) return notify(state, { tone: 'warning', text: 'nothing selected' });
  return send(state, { kind, url: urlOf(row.holder?.port ?? row.port) });
}

/** The keys of this module (ACTING_KEYS), with the data on screen. */
export function reduceActingKey(state: UiState, action: ActingKey, rows: DashboardRows): UiState {
  switch (action) {
    case 'detail':
      return openDetail(state, targetRow(state, rows));
    case 'closeDetail':
    case 'killNo':
      return { ...state, overlay: { kind: 'none' } };
    case 'kill':
      return askKill(state, targetRow(state, rows));
    case 'confirmKill': {
      if (state.overlay.kind !== 'confirm') return state;
      const target = state.overlay.stillListening;
      if (target === undefined) return state;
      const asking: UiState = { ...state, overlay: { kind: 'kill', target } };
      return target.pid === undefined ? asking : send(asking, { kind: 'detail', pid: target.pid });
    }
    case 'killYes': {
      if (state.overlay.kind !== 'kill') return state;
      const { target } = state.overlay;
      const asking = notify(
        { ...state, overlay: { kind: 'none' } },
        { tone: 'info', text: `stopping ${describeKill(target)}…` },
      );
      return send(asking, { kind: 'kill', target });
    }
    case 'sort':
      return { ...state, sort: nextSort(state.sort) };
    case 'copyUrl':
      return withUrl(state, targetRow(state, rows), 'copy');
    case 'openUrl':
      return withUrl(state, targetRow(state, rows), 'open');
  }
}

export function updateActing(state: UiState, action: ActingAction): UiState {
  switch (action.type) {
    case 'detailLoaded':
    case 'detailFailed': {
      const { overlay } = state;
      if (overlay.kind === 'kill') {
        if (action.type !== 'detailLoaded' || overlay.target.pid !== action.pid) return state;
        const target = withOwner(overlay.target, action.detail, action.selfUid);
        return { ...state, overlay: { ...overlay, target } };
      }
      // The user may have closed the view or opened another row's meanwhile.
      if (overlay.kind !== 'detail' || overlay.process.kind !== 'loading') return state;
      if (overlay.process.pid !== action.pid) return state;
      const process: ProcessPart =
        action.type === 'detailFailed'
          ? { kind: 'failed', pid: action.pid, reason: action.reason }
          : { kind: 'loaded', pid: action.pid, detail: action.detail };
      return { ...state, overlay: { ...overlay, process } };
    }
    case 'killed':
      return notify(state, {
        tone: action.result.freed ? 'success' : 'error',
        text: killMessage(action.result, action.owners),
      });
    case 'copied':
      return notify(state, {
        tone: 'success',
        text: `copied ${action.url} to the clipboard`,
        hint: 'through the terminal (OSC 52); a terminal that does not support it ignores it',
      });
    case 'opened':
      return notify(
        state,
        action.ok
          ? { tone: 'success', text: `opened ${action.url} in the browser` }
          : {
              tone: 'warning',
              text: `cannot open a browser: ${action.reason ?? 'no opener'}`,
              hint: `the URL is ${action.url}`,
            },
      );
  }
}

export type { SortKey };
