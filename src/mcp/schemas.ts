// The shapes the tools take and give (zod, turned into JSON Schema by the SDK for tools/list).
// Output shapes follow pm's --json output, so an agent that knows one knows the other.
import * as z from 'zod/v4';

export const cwdArg = z
  .string()
  .optional()
  .describe(
    "The directory to infer the project from, as pm's CLI does from its working directory: the nearest .pm.toml (a linked git worktree is a project of its own), else a recorded project path. Default: the directory pm mcp was started in.",
  );

export const projectArg = z
  .string()
  .optional()
  .describe('The project (registry name). Left out: inferred from cwd.');

export const serviceArg = z.string().describe('The service of the project, e.g. web or api.');

export const portArg = z.number().int().describe('A TCP port, 1-65535.');

/** pm's JSON shape of a container (commands/context.ts containerJson). */
const container = z
  .object({
    id: z.string(),
    short_id: z.string(),
    name: z.string(),
    image: z.string(),
    compose_project: z.string().nullable(),
    compose_service: z.string().nullable(),
    private_port: z.number().int(),
  })
  .nullable()
  .describe(
    "The container whose published port this is (pid and process are then its engine's forwarder: kill stops the container), else null",
  );

export const listener = z.object({
  protocol: z.enum(['tcp', 'udp']),
  family: z.enum(['ipv4', 'ipv6']),
  address: z.string(),
  port: z.number().int(),
  pid: z.number().int().nullable().describe('null: another user’s process, hidden by the OS'),
  process: z.string().nullable().describe("The kernel's name for the executable ('node')"),
  program: z.string().nullable().describe("The program it runs ('vite')"),
  command: z.array(z.string()).readonly().nullable().describe('argv, where the OS lets pm read it'),
  uid: z.number().int().nullable(),
  container,
});

export const portState = z
  .enum(['active', 'idle', 'conflict', 'moved', 'unknown'])
  .describe(
    'active: something listens on it; idle: nothing does; conflict: a process outside the project directory does; moved: idle, but the service’s own process listens on moved_to; unknown: no socket scanner here',
  );

export const scanner = z.object({
  backend: z.string(),
  available: z.boolean(),
  reason: z.string().optional(),
});

export const allocation = z.object({
  project: z.string(),
  service: z.string(),
  port: z.number().int(),
});

export const statusRow = z.object({
  project: z.string(),
  service: z.string(),
  port: z.number().int(),
  state: portState,
  worktree: z.string().nullable().describe('For a worktree’s project: the project it belongs to'),
  moved_to: z.number().int().nullable(),
  pid: z.number().int().nullable(),
  process: z.string().nullable(),
  program: z.string().nullable(),
  command: z.array(z.string()).readonly().nullable(),
  address: z.string().nullable(),
  container,
  listeners: z.array(listener),
  proxy_url: z.string().nullable().describe('Its name through pm proxy; null when none runs'),
  proxy_https_url: z.string().nullable(),
});

/** The running pm proxy's ports, as `pm status --json` gives them. */
export const proxyEndpoint = z
  .object({ http_port: z.number().int(), https_port: z.number().int(), admin: z.string() })
  .nullable()
  .describe('The running pm proxy; null when none runs');

/** A process pm stops, or would stop, for `kill`. */
export const killTarget = z.object({
  pid: z.number().int(),
  label: z.string().nullable().describe("'vite (node)'"),
  start_time: z.string().describe('ISO 8601: with the pid, it names exactly one process'),
  listeners: z.array(listener),
});
