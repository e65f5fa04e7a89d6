// The one colour scheme for port states, used by the CLI's text and the dashboard alike. With
// colour off every state is plain text; meaning never depends on colour alone (the state is
// also written out).
import type { DisplayState } from './cells.js';

export type PaletteColor = 'green' | 'yellow' | 'red' | 'cyan';

export interface Paint {
  readonly color?: PaletteColor;
  readonly dim?: boolean;
  readonly bold?: boolean;
}

export const STATE_PALETTE: Readonly<Record<DisplayState, Paint>> = {
  active: { color: 'green' },
  idle: { dim: true },
  conflict: { color: 'red', bold: true },
  moved: { color: 'cyan', bold: true },
  unknown: { color: 'yellow' },
  unmanaged: { color: 'yellow' },
};

export type Tone = 'error' | 'warning' | 'info' | 'success';

export const TONE_PALETTE: Readonly<Record<Tone, Paint>> = {
  error: { color: 'red' },
  warning: { color: 'yellow' },
  info: { color: 'cyan' },
  success: { color: 'green' },
};
