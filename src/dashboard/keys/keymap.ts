// The dashboard's keys, in one table. The single input handler, the help bar and the help
// screen are all derived from it, so a key cannot be handled without also being documented.
// Pure data and functions: no Ink, no React (the key shape below is structural).

import { stripControl } from '../../view/sanitize.js';

export const MODES = [
  'table',
  'form',
  'confirm',
  'suggest',
  'filter',
  'help',
  'message',
  'detail',
  'kill',
] as const;
export type Mode = (typeof MODES)[number];

/** Where the text typed in a mode goes; other modes treat printable keys as commands only. */
export const TEXT_MODES: ReadonlySet<Mode> = new Set(['form', 'filter']);

export const MODE_TITLES: Readonly<Record<Mode, string>> = {
  table: 'Table',
  form: 'Allocate form',
  confirm: 'Free confirmation',
  suggest: 'Suggestions',
  filter: 'Filter',
  help: 'Help',
  message: 'Last message',
  detail: 'Detail view',
  kill: 'Stop confirmation',
};

/** Facts about the screen that change what a key means: Esc clears a filter before quitting. */
export interface KeySituation {
  /** A filter is applied to the table. */
  readonly filtered: boolean;
  /** The free question is about a port something still listens on: x can stop it. */
  readonly listened?: boolean;
}

export const NO_SITUATION: KeySituation = { filtered: false };

export interface Binding {
  /** Key names as produced by keyName(): 'up', 'pagedown', 'return', 'ctrl+c', 'g', 'G', '/'. */
  readonly keys: readonly string[];
  /** For the help screen. */
  readonly description: string;
  /** Short label for the help bar; actions without one appear on the help screen only. */
  readonly hint?: string;
  readonly modes: readonly Mode[];
  /**
   * Only while this holds; otherwise the key falls through to the next binding that has it
   * (so Esc quits when no filter is applied).
   */
  readonly when?: keyof KeySituation;
}

export const KEYMAP = {
  up: {
    keys: ['up', 'k'],
    description: 'move up',
    hint: 'move',
    modes: ['table', 'suggest', 'help'],
  },
  down: { keys: ['down', 'j'], description: 'move down', modes: ['table', 'suggest', 'help'] },
  pageUp: { keys: ['pageup'], description: 'one page up', modes: ['table', 'help'] },
  pageDown: { keys: ['pagedown'], description: 'one page down', modes: ['table', 'help'] },
  top: { keys: ['g', 'home'], description: 'first row', modes: ['table', 'help'] },
  bottom: { keys: ['G', 'end'], description: 'last row', modes: ['table', 'help'] },
  allocate: {
    keys: ['a'],
    description: 'allocate a port (project, service, port blank = auto)',
    hint: 'allocate',
    modes: ['table'],
  },
  free: {
    keys: ['f', 'delete'],
    description: 'free the selected allocation (asks y/n)',
    hint: 'free',
    modes: ['table'],
  },
  suggest: {
    keys: ['s'],
    description: 'suggest the next free ports; Enter allocates one',
    hint: 'suggest',
    modes: ['table'],
  },
  filter: {
    keys: ['/'],
    description: 'filter rows by text',
    hint: 'filter',
    modes: ['table'],
  },
  unmanaged: {
    keys: ['u'],
    description: 'show or hide listeners in the range that nobody allocated',
    hint: 'unmanaged',
    modes: ['table'],
  },
  refresh: { keys: ['r'], description: 'refresh now', hint: 'refresh', modes: ['table'] },
  message: {
    keys: ['m'],
    description: 'show the last message whole',
    hint: 'message',
    modes: ['table'],
  },
  help: { keys: ['?'], description: 'show all keys', hint: 'help', modes: ['table'] },
  unfilter: {
    keys: ['escape'],
    description: 'clear the applied filter (with none applied, Esc quits)',
    hint: 'clear filter',
    modes: ['table'],
    when: 'filtered',
  },
  quit: { keys: ['q', 'escape'], description: 'quit', hint: 'quit', modes: ['table'] },
  interrupt: {
    keys: ['ctrl+c'],
    description: 'quit, from any screen',
    // Every mode, present and future: a new screen cannot forget these.
    modes: MODES,
  },
  redraw: {
    keys: ['ctrl+l'],
    description: 'repaint the whole screen',
    modes: MODES,
  },
  suspend: {
    keys: ['ctrl+z'],
    description: 'suspend to the shell; fg brings the dashboard back',
    modes: MODES,
  },
  closeHelp: {
    keys: ['?', 'q', 'escape'],
    description: 'close help',
    hint: 'close',
    modes: ['help'],
  },
  closeMessage: {
    keys: ['m', 'q', 'escape'],
    description: 'close the message',
    hint: 'close',
    modes: ['message'],
  },
  nextField: {
    keys: ['return'],
    description: 'next field; submits on the last',
    hint: 'next/submit',
    modes: ['form'],
  },
  focusNext: { keys: ['tab', 'down'], description: 'go to the next field', modes: ['form'] },
  focusPrevious: {
    keys: ['shift+tab', 'up'],
    description: 'go to the previous field',
    modes: ['form'],
  },
  erase: {
    keys: ['backspace', 'delete'],
    description: 'delete the last character',
    modes: ['form', 'filter'],
  },
  pick: {
    keys: ['return'],
    description: 'allocate the highlighted port (asks project and service)',
    hint: 'allocate it',
    modes: ['suggest'],
  },
  cancel: {
    keys: ['escape'],
    description: 'cancel',
    hint: 'cancel',
    modes: ['form', 'suggest'],
  },
  confirmYes: { keys: ['y', 'Y'], description: 'yes, free it', hint: 'yes', modes: ['confirm'] },
  confirmNo: {
    keys: ['n', 'N', 'escape'],
    description: 'no, keep it',
    hint: 'no',
    modes: ['confirm'],
  },
  applyFilter: {
    keys: ['return'],
    description: 'keep the filter',
    hint: 'apply',
    modes: ['filter'],
  },
  clearFilter: {
    keys: ['escape'],
    description: 'clear the filter',
    hint: 'clear',
    modes: ['filter'],
  },
  // Acting on what is shown (docs/dashboard.md, "Acting on a row").
  detail: {
    keys: ['return'],
    description: 'details of the selected row: allocation, why its state, the process',
    hint: 'details',
    modes: ['table'],
  },
  closeDetail: {
    keys: ['escape', 'q'],
    description: 'close the details',
    hint: 'close',
    modes: ['detail'],
  },
  kill: {
    keys: ['x'],
    description: "stop the process listening on the selected row's port (asks y/n)",
    hint: 'stop process',
    modes: ['table', 'detail'],
  },
  sort: {
    keys: ['o'],
    description: 'sort by project, port, state or process (cycles)',
    hint: 'sort',
    modes: ['table'],
  },
  copyUrl: {
    keys: ['c'],
    description:
      "copy the row's URL (its name while pm proxy runs, else http://localhost:<port>) to the clipboard (OSC 52: works over SSH, tmux)",
    hint: 'copy URL',
    modes: ['table', 'detail'],
  },
  openUrl: {
    keys: ['b'],
    description: "open the row's URL (its name while pm proxy runs) in the browser",
    hint: 'browser',
    modes: ['table', 'detail'],
  },
  killYes: { keys: ['y', 'Y'], description: 'yes, stop it', hint: 'yes', modes: ['kill'] },
  killNo: {
    keys: ['n', 'N', 'escape'],
    description: 'no, leave it running',
    hint: 'no',
    modes: ['kill'],
  },
  confirmKill: {
    keys: ['x'],
    description: 'stop the process still listening instead (asks y/n)',
    hint: 'stop process',
    modes: ['confirm'],
    when: 'listened',
  },
} as const satisfies Record<string, Binding>;

export type KeyAction = keyof typeof KEYMAP;

export const ACTIONS = Object.keys(KEYMAP) as KeyAction[];

export function bindingOf(action: KeyAction): Binding {
  return KEYMAP[action];
}

/** The subset of Ink's Key this module reads; Ink's own Key type is assignable to it. */
export interface KeyPress {
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return: boolean;
  readonly escape: boolean;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly tab: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
  readonly meta: boolean;
}

/** One name per key press, in the vocabulary of KEYMAP; undefined for pastes and unknowns. */
export function keyName(input: string, key: KeyPress): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'return';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace) return 'backspace';
  if (key.delete) return 'delete';
  // Ink reports Escape with meta set; check it before the meta+letter case below.
  if (key.escape) return 'escape';
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  if (key.meta) return undefined;
  return [...input].length === 1 ? input : undefined;
}

/** Per mode and key name, the actions bound to it in keymap order; the first that applies wins. */
const LOOKUP: ReadonlyMap<Mode, ReadonlyMap<string, readonly KeyAction[]>> = new Map(
  MODES.map((mode) => {
    const byKey = new Map<string, KeyAction[]>();
    for (const action of ACTIONS) {
      const binding = bindingOf(action);
      if (!binding.modes.includes(mode)) continue;
      for (const key of binding.keys) byKey.set(key, [...(byKey.get(key) ?? []), action]);
    }
    return [mode, byKey] as const;
  }),
);

/** The action a named key means in a mode and situation. */
export function actionForName(
  mode: Mode,
  name: string,
  situation: KeySituation = NO_SITUATION,
): KeyAction | undefined {
  return LOOKUP.get(mode)
    ?.get(name)
    ?.find((action) => {
      const { when } = bindingOf(action);
      return when === undefined || situation[when];
    });
}

/** The action a key press means in a mode, or undefined (then text modes treat it as typing). */
export function actionFor(
  mode: Mode,
  input: string,
  key: KeyPress,
  situation: KeySituation = NO_SITUATION,
): KeyAction | undefined {
  const name = keyName(input, key);
  return name === undefined ? undefined : actionForName(mode, name, situation);
}

/**
 * Printable text a key press types into a field in a text mode (a paste arrives as one
 * string); undefined for commands and control keys.
 */
export function typedText(mode: Mode, input: string, key: KeyPress): string | undefined {
  // Text modes have no conditional bindings: the situation does not change what is typed.
  if (!TEXT_MODES.has(mode) || key.ctrl || key.meta || input === '') return undefined;
  if (actionFor(mode, input, key) !== undefined) return undefined;
  // Drop control characters (a pasted newline, a stray escape, C1 controls) rather than typing
  // them: what is typed is shown in the header, the filter and the forms as it is.
  const text = stripControl(input);
  return text === '' ? undefined : text;
}

const KEY_LABELS: Readonly<Record<string, string>> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift+tab': 'Shift-Tab',
  backspace: 'Backspace',
  delete: 'Del',
  'ctrl+c': 'Ctrl-C',
  'ctrl+l': 'Ctrl-L',
  'ctrl+z': 'Ctrl-Z',
};

/** How a key is written on screen: '↑', 'PgUp', 'Enter', 'Ctrl-C', 'q'. */
export function keyLabel(key: string): string {
  return KEY_LABELS[key] ?? key;
}

export interface HintItem {
  readonly action: KeyAction;
  readonly keys: string;
  readonly label: string;
}

/**
 * The help bar of a mode: actions with a hint, with the keys that mean that action right now
 * ("q quit" while Esc clears a filter, "q/Esc quit" otherwise).
 */
export function hintsFor(mode: Mode, situation: KeySituation = NO_SITUATION): HintItem[] {
  const items: HintItem[] = [];
  for (const action of ACTIONS) {
    const binding = bindingOf(action);
    if (!binding.modes.includes(mode) || binding.hint === undefined) continue;
    const live = binding.keys.filter((key) => actionForName(mode, key, situation) === action);
    if (live.length === 0) continue;
    // "move" stands for up and down together; upper-case twins (Y for y) add nothing here.
    const keys =
      action === 'up'
        ? '↑↓/jk'
        : live
            .filter((key) => key === key.toLowerCase() || live.length === 1)
            .map(keyLabel)
            .join('/');
    items.push({ action, keys, label: binding.hint });
  }
  return items;
}

export interface HelpEntry {
  readonly keys: string;
  readonly description: string;
}

/** Every binding of a mode, for the help screen; keys valid everywhere are listed under table. */
export function helpFor(mode: Mode): HelpEntry[] {
  const listed = (action: KeyAction) => {
    const { modes } = bindingOf(action);
    return modes.includes(mode) && (mode === 'table' || modes.length < MODES.length);
  };
  return ACTIONS.filter(listed).map((action) => {
    const binding = bindingOf(action);
    return { keys: binding.keys.map(keyLabel).join('/'), description: binding.description };
  });
}

/** A key event with no modifier or special key set: the base of every synthesised press. */
export const NO_KEY: KeyPress = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
};
