// The dashboard's UI state: one object, with the open overlay as a union. Live data (registry,
// scan) is not here: it lives in the data hooks; this is only what the user did (selection,
// filter, open panel, message). Each overlay's keys and results are reduced in its own file
// (table.ts, form.ts, filter.ts, suggest.ts, confirm.ts, detail.ts, kill.ts, help.ts);
// reducer.ts routes to them.

import type { AllocateRequest, AllocateResult } from '../../core/actions/index.js';
import type { KillResult } from '../../core/actions/kill.js';
import type { ProcessDetail } from '../../core/ports.js';
import type { ProcessPart } from '../../view/detail.js';
import type { Owners } from '../../view/kill.js';
import { type KeyAction, type KeySituation, type Mode, NO_SITUATION } from '../keys/keymap.js';
import type { FormState } from './form.js';
import type { FreeRequest } from './free-target.js';
import type { KillRequest } from './kill.js';
import type { Message } from './messages.js';
import type { DashboardRows } from './rows.js';
import type { SortKey } from './sort.js';

export type Overlay =
  | { readonly kind: 'none' }
  /** `offset` is the first help line shown: the help scrolls on small terminals. */
  | { readonly kind: 'help'; readonly offset: number }
  | { readonly kind: 'form'; readonly form: FormState }
  /** `stillListening`: the row is active; freeing will not stop that process (x offers to). */
  | {
      readonly kind: 'confirm';
      readonly target: FreeRequest;
      readonly stillListening?: KillRequest;
    }
  /** `ports` is undefined while the suggestions are being computed. */
  | { readonly kind: 'suggest'; readonly ports?: readonly number[]; readonly index: number }
  | { readonly kind: 'filter'; readonly draft: string }
  /** The last message in full (m). */
  | { readonly kind: 'message' }
  /** `key` is the row's; `process` what the inspector said, fetched once when opened. */
  | { readonly kind: 'detail'; readonly key: string; readonly process: ProcessPart }
  | { readonly kind: 'kill'; readonly target: KillRequest };

export interface Selection {
  /** The row the user chose; followed across refreshes. */
  readonly key?: string;
  /** Where it was: used when that row disappears (freed, filtered out). */
  readonly index: number;
}

/** Work the reducer asks for; the app performs it (IO cannot happen inside a reducer). */
export type Request =
  | { readonly kind: 'allocate'; readonly request: AllocateRequest }
  | { readonly kind: 'free'; readonly target: FreeRequest }
  | { readonly kind: 'suggest' }
  | { readonly kind: 'refresh' }
  /** Ctrl-C is an interruption: the dashboard then exits 130, like any interrupted command. */
  | { readonly kind: 'quit'; readonly interrupted: boolean }
  /** Ctrl-L: paint the whole screen again. */
  | { readonly kind: 'redraw' }
  /** Ctrl-Z: give the terminal back and stop until `fg`. */
  | { readonly kind: 'suspend' }
  | ActingRequest;

/** Requests about the selected row's process and URL. */
export type ActingRequest =
  | { readonly kind: 'detail'; readonly pid: number }
  | { readonly kind: 'kill'; readonly target: KillRequest }
  | { readonly kind: 'copy'; readonly url: string }
  | { readonly kind: 'open'; readonly url: string };

export interface Outgoing {
  readonly id: number;
  readonly request: Request;
}

export interface UiState {
  readonly selection: Selection;
  readonly filter: string;
  readonly showUnmanaged: boolean;
  /** Undefined: the registry's order (by project). */
  readonly sort?: SortKey;
  readonly overlay: Overlay;
  readonly message?: Message;
  /** Requests not yet taken by the app, oldest first. */
  readonly outbox: readonly Outgoing[];
  readonly nextRequestId: number;
}

const MOVEMENTS = ['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'] as const;
export type Movement = (typeof MOVEMENTS)[number];

/** The keys that move a selection or scroll, the same in the table and the help. */
export function isMovement(action: KeyAction): action is Movement {
  return (MOVEMENTS as readonly string[]).includes(action);
}

/** What the app tells the reducer: results of requests, and news from outside the keyboard. */
export type UiAction =
  | { readonly type: 'allocated'; readonly result: AllocateResult }
  | { readonly type: 'freed'; readonly target: FreeRequest }
  | { readonly type: 'suggested'; readonly ports: readonly number[] }
  | { readonly type: 'notify'; readonly message: Message }
  /** The registry (its last good copy and its read error) the current error is shown with. */
  | { readonly type: 'messageShown'; readonly registry: unknown }
  /**
   * The registry differs from the one the error was shown with (changed, broken, mended): an
   * error from an earlier action described a registry that is no longer there.
   */
  | { readonly type: 'registryChanged' }
  | { readonly type: 'failed'; readonly error: unknown }
  | { readonly type: 'send'; readonly request: Request }
  /** The app took every request up to this id. */
  | { readonly type: 'taken'; readonly upTo: number }
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

/** What a key needs to know beyond the UI state: the data on screen and the screen's layout. */
export interface KeyContext {
  readonly rows: DashboardRows;
  /** Lines of the table (or help) area with this overlay open, as the screen lays it out. */
  readonly tableHeight: (overlay: Overlay) => number;
}

export const initialUiState: UiState = {
  selection: { index: 0 },
  filter: '',
  showUnmanaged: false,
  overlay: { kind: 'none' },
  outbox: [],
  nextRequestId: 1,
};

/** The state the dashboard opens in: `--all` shows the unmanaged rows at once. */
export function startingUiState(showUnmanaged: boolean): UiState {
  return showUnmanaged ? { ...initialUiState, showUnmanaged } : initialUiState;
}

export function modeOf(state: UiState): Mode {
  switch (state.overlay.kind) {
    case 'none':
      return 'table';
    default:
      return state.overlay.kind;
  }
}

/** What changes the meaning of keys: see KeySituation. */
export function situationOf(state: UiState): KeySituation {
  const listened = state.overlay.kind === 'confirm' && state.overlay.stillListening !== undefined;
  if (listened) return state.filter === '' ? LISTENED : FILTERED_LISTENED;
  return state.filter === '' ? NO_SITUATION : FILTERED;
}

/** One object per situation, so memoised components see the same props. */
const FILTERED: KeySituation = { filtered: true };
const LISTENED: KeySituation = { filtered: false, listened: true };
const FILTERED_LISTENED: KeySituation = { filtered: true, listened: true };

/** The filter in effect: while typing it, the draft (so rows narrow as you type). */
export function activeFilter(state: UiState): string {
  return state.overlay.kind === 'filter' ? state.overlay.draft : state.filter;
}

/** The selected row's index among `rows`, or -1 when there are none. */
export function selectedIndex(selection: Selection, rows: readonly { key: string }[]): number {
  if (rows.length === 0) return -1;
  if (selection.key !== undefined) {
    const found = rows.findIndex((row) => row.key === selection.key);
    if (found >= 0) return found;
  }
  return Math.min(Math.max(selection.index, 0), rows.length - 1);
}

/** Where a movement lands among `count` places, kept inside them. */
export function moveIndex(
  current: number,
  movement: Movement,
  count: number,
  pageSize: number,
): number {
  const page = Math.max(1, pageSize);
  const next = {
    up: current - 1,
    down: current + 1,
    pageUp: current - page,
    pageDown: current + page,
    top: 0,
    bottom: count - 1,
  }[movement];
  return Math.min(Math.max(next, 0), count - 1);
}

/** Queues a request for the effects (the outbox); each gets the next id. */
export function send(state: UiState, request: Request): UiState {
  return {
    ...state,
    outbox: [...state.outbox, { id: state.nextRequestId, request }],
    nextRequestId: state.nextRequestId + 1,
  };
}

export const notify = (state: UiState, message: Message): UiState => ({ ...state, message });

export const closeOverlay = (state: UiState): UiState => ({ ...state, overlay: { kind: 'none' } });
