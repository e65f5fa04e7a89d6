// `pm mcp` start-up, side by side with `pm query` (target: initialize answered <= 2 x pm query):
// the time from spawning `pm mcp` to the `initialize` answer on its stdout, and to the answer
// of one `port` call after it, each round in a random order with `node -e 0` and `pm query`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printRows } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'pm-bench', version: '1' },
  },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const PORT_CALL = {
  jsonrpc: '2.0',
  id: 2,
  method: 'tools/call',
  params: { name: 'port', arguments: { project: 'shop', service: 'web' } },
};

/** ms from spawn to the answer with id `until` (1: initialize, 2: the port call). */
function mcpSession(env, until) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, 'mcp'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffered += chunk;
      for (;;) {
        const newline = buffered.indexOf('\n');
        if (newline < 0) return;
        const message = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (message.id === 1 && until === 2) {
          child.stdin.write(`${JSON.stringify(INITIALIZED)}\n${JSON.stringify(PORT_CALL)}\n`);
        }
        if (message.id === until) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (message.error || message.result?.isError) reject(new Error(JSON.stringify(message)));
          child.stdin.end();
          child.once('exit', () => resolve(ms));
        }
      }
    });
    child.once('error', reject);
    child.stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
  });
}

function spawned(argv, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${argv.join(' ')}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function runMcpBench({ runs = 21, warmup = 2 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-mcp-'));
  const env = { ...process.env, PM_REGISTRY: join(dir, 'registry.toml') };
  try {
    spawned([process.execPath, CLI, 'allocate', 'shop', 'web'], env);
    const commands = [
      { name: 'node -e 0', run: async () => spawned([process.execPath, '-e', '0'], env) },
      {
        name: 'pm query shop web',
        run: async () => spawned([process.execPath, CLI, 'query', 'shop', 'web'], env),
      },
      { name: 'pm mcp: spawn to initialize answered', run: () => mcpSession(env, 1), target: 2 },
      { name: 'pm mcp: spawn, initialize, one port call', run: () => mcpSession(env, 2) },
    ];
    const samples = commands.map(() => []);
    for (let round = -warmup; round < runs; round++) {
      const order = [...commands.keys()].sort(() => Math.random() - 0.5);
      for (const index of order) {
        const ms = await commands[index].run();
        if (round >= 0) samples[index].push(ms);
      }
    }
    const rows = commands.map((command, index) => ({
      name: command.name,
      median: median(samples[index]),
      ...(command.target === undefined ? {} : { target: command.target }),
    }));
    const query = rows[1];
    printRows(
      `pm mcp start-up (${runs} runs, medians; ratio to pm query)`,
      rows,
      query.name,
      'target: pm mcp spawn-to-initialize <= 2 x pm query (DESIGN §8)',
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runMcpBench();
