import { Box, Text } from 'ink';
import { memo } from 'react';
import { CLOCK_COLUMNS } from '../model/layout.js';
import { type HeaderFacts, headerFacts, headerWords } from './frame-text.js';
import { toneStyle } from './theme.js';

export interface HeaderProps extends HeaderFacts {
  readonly registryPath: string;
  readonly backend: string;
  /** False when the scanner cannot run: states read unknown (the message line says why). */
  readonly scannerAvailable: boolean;
  readonly width: number;
  readonly color: boolean;
}

function HeaderView(props: HeaderProps) {
  const words = headerWords(props.registryPath, props.backend, props.scannerAvailable);
  return (
    <Box flexDirection="column">
      {/* The top right corner is left free for the refresh clock the screen draws itself. */}
      <Box width={Math.max(10, props.width - CLOCK_COLUMNS)}>
        <Text wrap="truncate-middle">
          <Text bold>pm</Text> {words.registry}
        </Text>
      </Box>
      <Text wrap="truncate-end">
        <Text dimColor>scanner </Text>
        {props.scannerAvailable ? (
          <Text dimColor>{words.scanner}</Text>
        ) : (
          <Text {...toneStyle('warning', props.color)}>{words.scanner}</Text>
        )}
        <Text dimColor> · {headerFacts(props)}</Text>
      </Text>
    </Box>
  );
}

/** Two lines: where the registry is, then what the table shows and how it is refreshed. */
export const Header = memo(HeaderView);
