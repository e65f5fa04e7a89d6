// `pm mcp`: the MCP server on stdio, for coding agents (docs/mcp.md). The server and the SDK
// are imported only here, when the command runs, so no other command loads them.
import { type Context, expectArgs } from './context.js';

declare const PM_VERSION: string;

export async function runMcp(
  ctx: Context,
  input: readonly string[],
  registryPath: string,
): Promise<number> {
  expectArgs(input, 0, 0, 'pm mcp   (an MCP server on stdio: started by the agent’s client)');
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
