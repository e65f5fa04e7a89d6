// Keys typed into the dashboard's reducer, as the terminal delivers them: letters as typed
// text, named keys (return, escape, tab, backspace, arrows, ctrl+c) as Ink's key flags.
import { type KeyPress, NO_KEY } from '../../../src/dashboard/keys/keymap.js';
import { type DashboardAction, dashboardReducer } from '../../../src/dashboard/model/reducer.js';
import {
  initialUiState,
  type KeyContext,
  type Request,
  type UiState,
} from '../../../src/dashboard/model/state.js';
import { shopRows } from './rows-fixture.js';

const NAMED: Readonly<Record<string, Partial<KeyPress>>> = {
  return: { return: true },
  escape: { escape: true, meta: true },
  tab: { tab: true },
  'shift+tab': { tab: true, shift: true },
  backspace: { backspace: true },
  up: { upArrow: true },
  down: { downArrow: true },
  pagedown: { pageDown: true },
  end: { end: true },
};

/** shop/api (idle, first row) and shop/web (listened on by pid 4242) in a ten-line table. */
export const context: KeyContext = { rows: shopRows(), tableHeight: () => 10 };

function keyAction(name: string, at: KeyContext): DashboardAction {
  const ctrl = /^ctrl\+(.)$/.exec(name);
  if (ctrl)
    return { type: 'key', input: ctrl[1] as string, key: { ...NO_KEY, ctrl: true }, context: at };
  const named = NAMED[name];
  if (named) return { type: 'key', input: '', key: { ...NO_KEY, ...named }, context: at };
  return { type: 'key', input: name, key: NO_KEY, context: at };
}

/** Each key in turn, each seeing the state the one before left. */
export function press(state: UiState, ...keys: string[]): UiState {
  return keys.reduce((next, name) => dashboardReducer(next, keyAction(name, context)), state);
}

/** The same, with other rows or another table height. */
export function pressIn(at: KeyContext, state: UiState, ...keys: string[]): UiState {
  return keys.reduce((next, name) => dashboardReducer(next, keyAction(name, at)), state);
}

/** What the keys asked the app to do, oldest first. */
export const requests = (state: UiState): Request[] => state.outbox.map((item) => item.request);

/** The table with shop/web selected. */
export const onWeb = (): UiState => press(initialUiState, 'j');

export { initialUiState };
