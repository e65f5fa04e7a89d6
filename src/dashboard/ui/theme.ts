// The view palette in Ink's terms. With colour off (NO_COLOR, --no-color) every style falls
// back to plain text; meaning never depends on colour alone (the state is also written out).
import type { DisplayState } from '../../view/cells.js';
import { type Paint, STATE_PALETTE, TONE_PALETTE, type Tone } from '../../view/palette.js';

export type { Tone } from '../../view/palette.js';

export interface TextStyle {
  readonly color?: string;
  readonly dimColor?: boolean;
  readonly bold?: boolean;
}

function inkStyle(paint: Paint): TextStyle {
  return {
    ...(paint.color ? { color: paint.color } : {}),
    ...(paint.dim ? { dimColor: true } : {}),
    ...(paint.bold ? { bold: true } : {}),
  };
}

export function stateStyle(state: DisplayState, color: boolean): TextStyle {
  return color ? inkStyle(STATE_PALETTE[state]) : {};
}

export function toneStyle(tone: Tone, color: boolean): TextStyle {
  return color ? inkStyle(TONE_PALETTE[tone]) : {};
}
