// Colours in one place. With colour off (NO_COLOR, --no-color) every style falls back to
// plain text; meaning never depends on colour alone (the state is also written out).
import type { DisplayState } from '../core/display.js';

export interface TextStyle {
  readonly color?: string;
  readonly dimColor?: boolean;
  readonly bold?: boolean;
}

const STATE_STYLES: Readonly<Record<DisplayState, TextStyle>> = {
  active: { color: 'green' },
  idle: { dimColor: true },
  conflict: { color: 'red', bold: true },
  moved: { color: 'magenta' },
  unknown: { color: 'yellow' },
  unmanaged: { color: 'yellow' },
};

export function stateStyle(state: DisplayState, color: boolean): TextStyle {
  const style = STATE_STYLES[state];
  return color ? style : {};
}

export type Tone = 'error' | 'warning' | 'info' | 'success';

const TONE_COLORS: Readonly<Record<Tone, string>> = {
  error: 'red',
  warning: 'yellow',
  info: 'cyan',
  success: 'green',
};

export function toneStyle(tone: Tone, color: boolean): TextStyle {
  return color ? { color: TONE_COLORS[tone] } : {};
}
