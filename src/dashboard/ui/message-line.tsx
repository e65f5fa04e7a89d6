import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Message } from '../model/messages.js';
import { messageLines } from './message-text.js';
import { toneStyle } from './theme.js';

export interface MessageLineProps {
  readonly message: Message | undefined;
  /** Lines the layout gives the message area; the hint goes first when they are short. */
  readonly height: number;
  readonly width: number;
  readonly color: boolean;
}

function MessageLineView({ message, height, width, color }: MessageLineProps) {
  if (message === undefined) return <Box height={height} />;
  const { text, hintLines } = messageLines(message, width);
  // The hint is the first to go when lines are short, its last lines first.
  const hintShown = hintLines.slice(0, Math.max(0, height - text.length));
  const textShown = text.slice(0, Math.max(1, height - hintShown.length));
  return (
    <Box flexDirection="column" height={height}>
      {textShown.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one message, in order
        <Text key={index} wrap="truncate-end" {...toneStyle(message.tone, color)}>
          {line}
        </Text>
      ))}
      {hintShown.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the hint's lines, in order
        <Text key={`hint-${index}`} wrap="truncate-end" dimColor>
          {line}
        </Text>
      ))}
    </Box>
  );
}

/** The outcome of the last action, or a problem with the data, with what to do about it. */
export const MessageLine = memo(MessageLineView);
