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
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {`Port ${stillListening.port} is still listened on by ${sanitize(stillListening.pid === undefined ? (stillListening.label ?? 'a container') : describeTarget({ ...stillListening, pid: stillListening.pid }))}: freeing does not stop the ${stillListening.pid === undefined ? 'container' : 'process'}.`}
      </Text>
      {question}
    </Box>
  );
}

/** The y/n question before an allocation is freed. */
export const ConfirmFree = memo(ConfirmFreeView);
