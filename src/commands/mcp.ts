// `pm mcp`: the MCP server on stdio, for coding agents (docs/mcp.md). The server and the SDK
// are imported only here, when the command runs, so no other command loads them.
import { type Context, expectArgs } from './context.js';
import { type CommandSpec, usageLine } from './spec.js';

export const mcpSpec: CommandSpec = {
  name: 'mcp',
  usage: ['mcp'],
  summary:
    'a Model Context Protocol server on stdio, so coding agents ask pm for ports (docs/mcp.md)',
  examples: ['claude mcp add pm -- pm mcp'],
  flags: [],
  // The server and the MCP SDK load inside runMcp, only when this command runs.
  run: ({ ctx, input, environment }) => runMcp(ctx, input, environment.registryPath),
};

const USAGE = usageLine(mcpSpec);

declare const PM_VERSION: string;

export async function runMcp(
  ctx: Context,
  input: readonly string[],
  registryPath: string,
): Promise<number> {
  expectArgs(input, 0, 0, USAGE);
  const { serveStdio } = await import('../mcp/server.js');
  try {
    await serveStdio(
      { deps: ctx.deps, registryPath, cwd: ctx.cwd, log: ctx.io.err },
      typeof PM_VERSION === 'string' ? PM_VERSION : 'development',
    );
  } finally {
    ctx.deps.scanner.dispose?.();
  }
  return 0;
}
