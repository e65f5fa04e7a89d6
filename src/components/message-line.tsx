import { Box, Text } from 'ink';
import { memo } from 'react';
import { sanitize } from '../view/sanitize.js';
import type { Message } from './messages.js';
import { toneStyle } from './theme.js';

export interface MessageLineProps {
  readonly message: Message | undefined;
  readonly color: boolean;
}

const MARKS = { error: '✗', warning: '!', info: '·', success: '✓' } as const;

/** Lines the message area always takes, so the layout does not jump when a hint appears. */
export const MESSAGE_LINES = 2;

function MessageLineView({ message, color }: MessageLineProps) {
  return (
    <Box flexDirection="column" height={MESSAGE_LINES}>
      {message === undefined ? null : (
        <>
          <Text wrap="truncate-end" {...toneStyle(message.tone, color)}>
            {MARKS[message.tone]} {sanitize(message.text)}
          </Text>
          {message.hint === undefined ? null : (
            <Text wrap="truncate-end" dimColor>
              {'  '}hint: {sanitize(message.hint)}
            </Text>
          )}
        </>
      )}
    </Box>
  );
}

/** The outcome of the last action, or a problem with the data, with what to do about it. */
export const MessageLine = memo(MessageLineView);
