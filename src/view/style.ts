// Colour for terminals that want it: off for pipes, NO_COLOR, --no-color and TERM=dumb.
import type { Paint } from './palette.js';

export interface Style {
  readonly enabled: boolean;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly red: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  /** Swapped foreground and background: the selected row. */
  readonly inverse: (text: string) => string;
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    red: wrap(enabled, 31, 39),
    cyan: wrap(enabled, 36, 39),
    dim: wrap(enabled, 2, 22),
    bold: wrap(enabled, 1, 22),
    inverse: wrap(enabled, 7, 27),
  };
}

/** Text painted as the palette says, in SGR codes (the dashboard paints the same through Ink). */
export function paint(style: Style, how: Paint, text: string): string {
  let painted = how.color ? style[how.color](text) : text;
  if (how.dim) painted = style.dim(painted);
  if (how.bold) painted = style.bold(painted);
  return painted;
}

export function colorWanted(
  flag: boolean,
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
