import { Text } from 'ink';
import { memo } from 'react';
import { DEFAULT_KILL_TIMEOUT_MS } from '../../core/model/kill.js';
import { describeKill, type KillRequest } from '../model/kill.js';
import { toneStyle } from './theme.js';

export interface ConfirmKillProps {
  readonly target: KillRequest;
  readonly color: boolean;
}

function ConfirmKillView({ target, color }: ConfirmKillProps) {
  return (
    <Text wrap="truncate-end">
      <Text {...toneStyle('warning', color)}>Stop {describeKill(target)}?</Text>
      {target.containerId !== undefined
        ? ` through its engine: its stop signal, then KILL after ${DEFAULT_KILL_TIMEOUT_MS / 1000} s · y/n`
        : ` SIGTERM, then SIGKILL after ${DEFAULT_KILL_TIMEOUT_MS / 1000} s · y/n`}
    </Text>
  );
}

/** The y/n question before pm signals a process: names the process, its pid and the port. */
export const ConfirmKill = memo(ConfirmKillView);
