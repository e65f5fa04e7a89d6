import { Box, Text } from 'ink';
import { memo } from 'react';
import { MODE_TITLES } from '../keys/keymap.js';
import type { Message } from '../model/messages.js';
import { messageLines, wrapText } from './message-text.js';
import { toneStyle } from './theme.js';

export interface MessageScreenProps {
  readonly message: Message | undefined;
  readonly width: number;
  /** Lines available. */
  readonly height: number;
  readonly color: boolean;
}

function MessageScreenView({ message, width, height, color }: MessageScreenProps) {
  const title = (
    <Text bold wrap="truncate-end">
      {MODE_TITLES.message}
    </Text>
  );
  if (message === undefined) {
    return (
      <Box flexDirection="column">
        {title}
        <Text dimColor>no message yet</Text>
      </Box>
    );
  }
  const { text, hint } = messageLines(message, width, Number.POSITIVE_INFINITY);
  const hintLines = hint === undefined ? [] : ['', ...wrapText(hint, width)];
  const textShown = text.slice(0, Math.max(1, height - 1 - hintLines.length));
  return (
    <Box flexDirection="column">
      {title}
      {textShown.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one message, in order
        <Text key={index} wrap="truncate-end" {...toneStyle(message.tone, color)}>
          {line}
        </Text>
      ))}
      {hintLines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the hint and the blank before it
        <Text key={`hint-${index}`} wrap="truncate-end" dimColor>
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </Box>
  );
}

/** The last message whole (m): what the message line had to cut. */
export const MessageScreen = memo(MessageScreenView);
