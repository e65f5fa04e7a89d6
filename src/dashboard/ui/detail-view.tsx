import { Box, Text } from 'ink';
import { memo } from 'react';
import type { DetailLine } from '../../view/detail.js';
import { toneStyle } from './theme.js';

export interface DetailViewProps {
  /** Already sanitized (view/detail.ts). */
  readonly lines: readonly DetailLine[];
  readonly height: number;
  readonly color: boolean;
}

const LABEL_WIDTH = 14;

function DetailViewView({ lines, height, color }: DetailViewProps) {
  // The process's sockets can be many: whatever does not fit is cut, with a note.
  const room = Math.max(1, height - 1);
  const shown = lines.length > height ? lines.slice(0, room) : lines;
  return (
    <Box flexDirection="column">
      {shown.map((line, index) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their place
          key={index}
          wrap="truncate-end"
          {...(line.tone === 'dim' ? { dimColor: true } : {})}
          {...(line.tone === 'warning' ? toneStyle('warning', color) : {})}
        >
          <Text bold>{line.label.padEnd(LABEL_WIDTH)}</Text>
          {line.text}
        </Text>
      ))}
      {shown.length < lines.length ? (
        <Text dimColor>
          … {lines.length - shown.length} more lines (a taller terminal shows them)
        </Text>
      ) : null}
    </Box>
  );
}

/** The selected row in full: allocation, why its state, and the process (read when opened). */
export const DetailView = memo(DetailViewView);
