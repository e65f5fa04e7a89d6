// The MCP project's conformance suite (@modelcontextprotocol/conformance) against pm's server.
// The suite only speaks HTTP to a server (`conformance server --url`), and `pm mcp` speaks
// stdio, so the test serves pm's own server object (createPmServer, the one `pm mcp` runs)
// through the SDK's streamable HTTP transport on loopback. Run: the scenarios that hold for
// any server (initialize, ping, tools/list). The rest call the suite's own reference tools
// (test_simple_text, ...), resources, prompts, logging or HTTP-only behaviour pm does not have.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPmServer } from '../../src/mcp/server.js';
import { loopbackReach } from '../../src/os/shared/reach.js';
import { testDeps } from '../helpers/fakes.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const SUITE = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url),
);
const SCENARIOS = ['server-initialize', 'ping', 'tools-list'] as const;

const tempDir = tempDirPerTest('pm-mcp-conformance-');
let http: Server;
let url: string;

beforeAll(async () => {
  const registry = join(tempDir(), 'registry.toml');
  const env = {
    deps: testDeps(registry),
    registryPath: registry,
    cwd: tempDir(),
    reach: loopbackReach,
    log: () => {},
  };
  // Stateless: a server and a transport per request, as the SDK documents for HTTP.
  http = createServer(async (req, res) => {
    const server = createPmServer(env, 'test');
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as { port: number }).port}/mcp`;
});

afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

describe('MCP conformance suite', () => {
  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, async () => {
      // Asynchronously: the server answering it runs in this process.
      const run = await promisify(execFile)(
        process.execPath,
        [SUITE, 'server', '--url', url, '--scenario', scenario],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      ).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
      const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
      expect('code' in run ? run.code : 0, output).toBe(0);
      expect(output).toMatch(/Passed: (\d+)\/\1, 0 failed, 0 warnings/);
    });
  }
});
