// `pm mcp`: pm's tools for coding agents, as a Model Context Protocol server on stdio (the
// official SDK). The agent's client starts it; there is no daemon. stdout carries the protocol
// and nothing else; logs go to stderr. Loaded only by `pm mcp` (commands/mcp.ts imports it
// lazily), so no other command compiles the SDK.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { isPmError } from '../core/errors.js';
import { loopbackReach } from '../os/shared/reach.js';
import { formatError } from '../view/errors.js';
import { sanitize } from '../view/sanitize.js';
import type { ToolEnv } from './targets.js';
import { textBlock } from './text.js';
import { TOOLS, type ToolSpec } from './tools.js';

const INSTRUCTIONS =
  'pm gives every local project and git worktree stable ports, recorded in a registry per user. Before starting a dev server, call context (or port) for the directory you work in and use the port it gives instead of a default such as 3000; wait for it to come up; use who before assuming what holds a port, and kill (never pkill) only what is yours, after showing the user what kill would stop.';

/**
 * The SDK's server builds an Ajv instance up front, for answers to elicitation requests,
 * which pm never makes: built on first use instead, it is off `pm mcp`'s start-up.
 */
function lazyValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator: (schema) => {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
}

/** The server with every tool of the table, not yet connected. */
export function createPmServer(env: ToolEnv, version: string): McpServer {
  const server = new McpServer(
    { name: 'pm', title: 'pm (port-manager)', version },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: lazyValidator() },
  );
  for (const spec of TOOLS) {
    server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        outputSchema: spec.output,
        annotations: { title: spec.title, ...spec.annotations },
      },
      ((args: unknown) => answer(spec, args, env)) as never,
    );
  }
  return server;
}

/** One call: the tool's answer, or its failure as an error result (never a protocol error). */
export async function answer(spec: ToolSpec, args: unknown, env: ToolEnv): Promise<CallToolResult> {
  try {
    const { structured, lines, failed } = await spec.run(args as never, env);
    return {
      content: [{ type: 'text', text: textBlock(lines) }],
      structuredContent: structured as Record<string, unknown>,
      ...(failed ? { isError: true } : {}),
    };
  } catch (error) {
    return errorResult(error, env);
  }
}

/** The PmError's code, message and remedies in an agent's words; a bug says it is one. */
export function errorResult(error: unknown, env: Pick<ToolEnv, 'log'>): CallToolResult {
  if (isPmError(error)) {
    const { message, hint } = formatError(error, 'mcp');
    const lines = [`error ${error.code}: ${message}`, ...(hint ? [`next: ${hint}`] : [])];
    return { isError: true, content: [{ type: 'text', text: textBlock(lines) }] };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  env.log(
    `pm mcp: internal error (please report it):\n${detail.split('\n').map(sanitize).join('\n')}`,
  );
  const message = error instanceof Error ? error.message : String(error);
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: textBlock([
          `error INTERNAL: ${sanitize(message)}`,
          'next: this is a bug in pm, not something the arguments can fix; tell the user',
        ]),
      },
    ],
  };
}

export interface StdioStreams {
  readonly stdin: NodeJS.ReadableStream & { once(event: string, listener: () => void): unknown };
  readonly stdout: NodeJS.WritableStream;
}

/**
 * Serves until the client closes stdin (it ended the session, or went away). `wait` knocks on
 * loopback for real; the rest of the OS comes in `deps`.
 */
export async function serveStdio(
  options: Omit<ToolEnv, 'reach'>,
  version: string,
  streams: StdioStreams = { stdin: process.stdin, stdout: process.stdout },
): Promise<void> {
  const env: ToolEnv = { ...options, reach: loopbackReach };
  const server = createPmServer(env, version);
  const transport = new StdioServerTransport(
    streams.stdin as NodeJS.ReadStream,
    streams.stdout as NodeJS.WriteStream,
  );
  const ended = new Promise<void>((resolve) => {
    streams.stdin.once('end', resolve);
    streams.stdin.once('close', resolve);
  });
  await server.connect(transport);
  env.log(
    `pm mcp: serving ${TOOLS.length} tools on stdio (registry ${sanitize(env.registryPath)})`,
  );
  await ended;
  await server.close();
}
