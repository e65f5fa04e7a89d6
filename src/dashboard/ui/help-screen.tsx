import { Box, Text } from 'ink';
import { memo } from 'react';
import { helpLines } from '../keys/help-lines.js';
import { helpPageSize } from '../model/layout.js';

export interface HelpScreenProps {
  /** Lines available. */
  readonly height: number;
  /** First line shown. */
  readonly offset: number;
}

function HelpScreenView({ height, offset }: HelpScreenProps) {
  const lines = helpLines();
  const size = helpPageSize(lines.length, height);
  const start = Math.min(offset, Math.max(0, lines.length - size));
  const shown = lines.slice(start, start + size);
  return (
    <Box flexDirection="column">
      {shown.map((line) => (
        <Text key={line.id} bold={line.kind === 'title'} wrap="truncate-end">
          {line.text}
        </Text>
      ))}
      {size < lines.length ? (
        <Text dimColor wrap="truncate-end">
          lines {start + 1}-{start + shown.length} of {lines.length} (↑↓ PgUp PgDn scroll)
        </Text>
      ) : null}
    </Box>
  );
}

/** All keys of every screen, generated from the keymap; scrolls when the terminal is short. */
export const HelpScreen = memo(HelpScreenView);
