import { Box, Text } from 'ink';
import { memo } from 'react';
import { describeTarget } from '../../core/model/kill.js';
import { sanitize } from '../../view/sanitize.js';
import type { FreeRequest } from '../model/free-target.js';
import type { KillRequest } from '../model/kill.js';
import { describeFreeTarget } from '../model/messages.js';
import { toneStyle } from './theme.js';

export interface ConfirmFreeProps {
  readonly target: FreeRequest;
  readonly color: boolean;
  /** The process that keeps listening: freeing does not stop it. */
  readonly stillListening?: KillRequest | undefined;
}

function ConfirmFreeView({ target, color, stillListening }: ConfirmFreeProps) {
  const question = (
    <Text wrap="truncate-end">
      <Text {...toneStyle('warning', color)}>Free {sanitize(describeFreeTarget(target))}?</Text> y/n
      {stillListening ? ', or x to stop the process' : ''}
    </Text>
  );
  if (!stillListening) return question;
  const { pid } = stillListening;
  const holder = sanitize(
    pid === undefined
      ? (stillListening.label ?? 'a container')
      : describeTarget({ ...stillListening, pid }),
  );
  const noun = pid === undefined ? 'container' : 'process';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {stillListening.port === target.port
          ? `Port ${stillListening.port} is still listened on by ${holder}: freeing does not stop the ${noun}.`
          : `Its ${noun} ${holder} still runs, on port ${stillListening.port} (moved): freeing does not stop it.`}
      </Text>
      {question}
    </Box>
  );
}

/** The y/n question before an allocation is freed. */
export const ConfirmFree = memo(ConfirmFreeView);
