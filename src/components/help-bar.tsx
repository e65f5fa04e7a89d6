import { Text } from 'ink';
import { memo } from 'react';
import { helpBarText } from './frame-text.js';
import type { Mode } from './keymap.js';

export interface HelpBarProps {
  readonly mode: Mode;
  readonly width: number;
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
