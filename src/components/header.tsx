import { Box, Text } from 'ink';
import { memo } from 'react';

export interface HeaderProps {
  readonly registryPath: string;
  readonly range: string | undefined;
  readonly backend: string | undefined;
  /** False when the scanner cannot run: states read unknown (the message line says why). */
  readonly scannerAvailable: boolean;
  readonly refreshedAt: number | undefined;
  readonly allocations: number;
  readonly active: number;
  readonly shown: number;
  readonly filter: string;
  readonly showUnmanaged: boolean;
  readonly color: boolean;
}

export function formatClock(ms: number): string {
  const time = new Date(ms);
  return [time.getHours(), time.getMinutes(), time.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

function HeaderView(props: HeaderProps) {
  const facts = [
    `range ${props.range ?? '…'}`,
    `${props.allocations} allocated, ${props.active} active`,
    props.filter === '' ? undefined : `filter "${props.filter}": ${props.shown} shown`,
    props.showUnmanaged ? 'unmanaged shown' : undefined,
  ].filter((fact) => fact !== undefined);
  const scanner = props.backend ?? '…';
  // Freshness and scanner health come first: on a narrow terminal the end is cut off.
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-middle">
        <Text bold>pm</Text> registry {props.registryPath}
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>
          {props.refreshedAt === undefined
            ? 'scanning…'
            : `refreshed ${formatClock(props.refreshedAt)}`}
          {' · scanner '}
        </Text>
        {props.scannerAvailable ? (
          <Text dimColor>{scanner}</Text>
        ) : (
          <Text {...(props.color ? { color: 'yellow' } : {})}>{scanner} (unavailable)</Text>
        )}
        <Text dimColor> · {facts.join(' · ')}</Text>
      </Text>
    </Box>
  );
}

/** Two lines: where the registry is, then what the table shows and how fresh it is. */
export const Header = memo(HeaderView);
