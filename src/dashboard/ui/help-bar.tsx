import { Text } from 'ink';
import { memo } from 'react';
import type { KeySituation, Mode } from '../keys/keymap.js';
import { helpBarText } from './frame-text.js';

export interface HelpBarProps {
  readonly mode: Mode;
  readonly width: number;
  readonly situation: KeySituation;
}

function HelpBarView({ mode, width, situation }: HelpBarProps) {
  return (
    <Text dimColor wrap="truncate-end">
      {helpBarText(mode, width, situation)}
    </Text>
  );
}

/** The keys of the current mode, generated from the keymap. */
export const HelpBar = memo(HelpBarView);
