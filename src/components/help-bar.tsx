import { Text } from 'ink';
import { memo } from 'react';
import { hintsFor, type Mode } from './keymap.js';

export interface HelpBarProps {
  readonly mode: Mode;
  readonly width: number;
}

/** The hints that fit the width, in keymap order; the rest are on the help screen. */
export function helpBarText(mode: Mode, width: number): string {
  let text = '';
  for (const item of hintsFor(mode)) {
    const next = `${text === '' ? '' : '  '}${item.keys} ${item.label}`;
    if (text.length + next.length > width) break;
    text += next;
  }
  return text;
}

function HelpBarView({ mode, width }: HelpBarProps) {
  return (
    <Text dimColor wrap="truncate-end">
      {helpBarText(mode, width)}
    </Text>
  );
}

/** The keys of the current mode, generated from the keymap. */
export const HelpBar = memo(HelpBarView);
