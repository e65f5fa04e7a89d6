import { Text } from 'ink';
import { memo } from 'react';
import { sanitize } from '../view/sanitize.js';
import type { FreeRequest } from './free-target.js';
import { describeTarget } from './messages.js';
import { toneStyle } from './theme.js';

export interface ConfirmFreeProps {
  readonly target: FreeRequest;
  readonly color: boolean;
}

function ConfirmFreeView({ target, color }: ConfirmFreeProps) {
  return (
    <Text wrap="truncate-end">
      <Text {...toneStyle('warning', color)}>Free {sanitize(describeTarget(target))}?</Text> y/n
    </Text>
  );
}

/** The y/n question before an allocation is freed. */
export const ConfirmFree = memo(ConfirmFreeView);
