import { Box, Text } from 'ink';
import { memo } from 'react';
import type { DetailLine } from '../../view/detail.js';
import { wrapText } from './message-text.js';
import { toneStyle } from './theme.js';

export interface DetailViewProps {
  /** Already sanitized (view/detail.ts). */
  readonly lines: readonly DetailLine[];
  readonly width: number;
  readonly height: number;
  readonly color: boolean;
}

const LABEL_WIDTH = 14;

/**
 * Each fact wrapped under its label, so a long one (why the state is what it is, a command
 * line) is read whole at any width rather than cut: the label on the first line, the rest
 * indented under the text.
 */
function wrapped(lines: readonly DetailLine[], width: number): DetailLine[] {
  const room = Math.max(10, width - LABEL_WIDTH);
  return lines.flatMap((line) =>
    (wrapText(line.text, room).length > 0 ? wrapText(line.text, room) : ['']).map(
      (text, index) => ({ ...line, label: index === 0 ? line.label : '', text }),
    ),
  );
}

function DetailViewView({ lines: facts, width, height, color }: DetailViewProps) {
  const lines = wrapped(facts, width);
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
