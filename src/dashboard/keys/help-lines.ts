import { helpFor, MODE_TITLES, MODES } from './keymap.js';

export interface HelpLine {
  readonly id: string;
  readonly kind: 'title' | 'entry' | 'blank';
  readonly text: string;
}

/** Every mode's keys, generated from the keymap. */
export function helpLines(): HelpLine[] {
  const lines: HelpLine[] = [];
  for (const mode of MODES) {
    const entries = helpFor(mode);
    const keyWidth = Math.max(...entries.map((entry) => entry.keys.length));
    if (lines.length > 0) lines.push({ id: `${mode}:gap`, kind: 'blank', text: ' ' });
    lines.push({ id: mode, kind: 'title', text: MODE_TITLES[mode] });
    for (const entry of entries) {
      lines.push({
        id: `${mode}:${entry.keys}`,
        kind: 'entry',
        text: `  ${entry.keys.padEnd(keyWidth)}  ${entry.description}`,
      });
    }
  }
  return lines;
}

export const HELP_LINE_COUNT = helpLines().length;
