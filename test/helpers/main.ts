// Runs the CLI in-process through main(argv, io), with captured output: the same code path
// as the bin without a Node start per call. Spawn the bin (helpers/cli.ts) only where the
// process itself is under test: exit codes end to end, signals, pipes, start-up.
import { type MainIo, main } from '../../src/cli/main.js';
import type { RunResult } from './cli.js';

export interface MainOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly platform?: NodeJS.Platform;
}

export async function runMain(
  args: readonly string[],
  options: MainOptions = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: MainIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // Like runPm: a clean environment apart from what the test passes.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    stdinIsTTY: false,
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    ...(options.platform !== undefined ? { platform: options.platform } : {}),
  };
  const started = performance.now();
  const code = await main(args, io);
  return { code, stdout, stderr, ms: performance.now() - started };
}
