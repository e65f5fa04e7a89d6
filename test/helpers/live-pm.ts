// pm started in the background (no terminal, as in a script or CI), with its output watched:
// tests wait for a line instead of sleeping. The process handling is background-pm.ts's; this
// adds the environment pm run's tests give it and the cleanup after each test.
import { afterEach } from 'vitest';
import { type Background, startBackground, stopAll } from './background-pm.js';

export type Live = Background;

/** startPm for this test file: what it started is stopped after each test. */
export function livePm(): (
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv },
) => Live {
  afterEach(stopAll);
  return (args, options = {}) =>
    startBackground(
      args,
      { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      options.cwd,
    );
}
