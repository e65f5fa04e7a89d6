import { Box, Text } from 'ink';
import { memo } from 'react';

export interface SuggestListProps {
  /** Undefined while they are being found. */
  readonly ports: readonly number[] | undefined;
  readonly index: number;
}

function SuggestListView({ ports, index }: SuggestListProps) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Next free ports <Text dimColor>(not reserved until you allocate one)</Text>
      </Text>
      {ports === undefined ? (
        <Text dimColor>{'  '}finding free ports…</Text>
      ) : (
        ports.map((port, position) => (
          <Text key={port} inverse={position === index}>
            {position === index ? '› ' : '  '}
            {port}
          </Text>
        ))
      )}
    </Box>
  );
}

/** The next free ports; the highlighted one is allocated after asking for its names. */
export const SuggestList = memo(SuggestListView);
