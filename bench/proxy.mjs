// Through `pm proxy` (Caddy) vs direct to the port: requests/s and p99 latency of a bounded
// loopback load (keep-alive, N concurrent), the two interleaved run by run, medians; and the
// time from an allocation made by another pm to its name answering. Needs caddy on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(agent, port, host) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: { Host: host }, agent },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** `count` GETs, `concurrency` at a time over keep-alive sockets: requests/s and p99 in ms. */
async function load(port, host, { count, concurrency }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let next = 0;
  let resets = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const t0 = process.hrtime.bigint();
        // A keep-alive socket the other side closed just as it was reused: send again.
        let status;
        for (let attempt = 0; status === undefined; attempt++) {
          status = await get(agent, port, host).catch((error) => {
            if (error.code !== 'ECONNRESET' || attempt >= 3) throw error;
            resets++;
            return undefined;
          });
        }
        if (status !== 200) throw new Error(`status ${status} from ${host}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  if (resets > 0) console.log(`  (${host}: ${resets} reset keep-alive socket(s) retried)`);
  return { rps: count / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] };
}

function waitForLine(child, pattern, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern}: ${text}`)), timeoutMs);
    const onData = (chunk) => {
      text += chunk;
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
  });
}

export async function runProxyBench({ runs = 5, count = 2000, concurrency = 16 } = {}) {
  if (spawnSync('caddy', ['version']).error) {
    console.log('\nproxy: skipped (no caddy on PATH)');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-proxy-'));
  const registry = join(dir, 'registry.toml');
  const env = { ...process.env, XDG_DATA_HOME: join(dir, 'data') };
  const pm = (...args) =>
    spawnSync(process.execPath, [CLI, '--registry', registry, ...args], { env, encoding: 'utf8' });
  pm('config', '--range', '23600-23699');
  const port = Number(pm('allocate', 'bench', 'web').stdout);
  const server = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ports = { http: await freePort(), https: await freePort(), admin: await freePort() };
  const proxy = spawn(
    process.execPath,
    [
      CLI,
      '--registry',
      registry,
      'proxy',
      '--http-port',
      String(ports.http),
      '--https-port',
      String(ports.https),
      '--admin',
      String(ports.admin),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await Promise.all([waitForLine(server, /up/), waitForLine(proxy, /Ctrl-C stops it/)]);
    const options = { count, concurrency };
    await load(port, 'localhost', options); // warm-up: sockets, JIT, Caddy's pools
    await load(ports.http, 'web.bench.localhost', options);
    const direct = [];
    const proxied = [];
    for (let run = 0; run < runs; run++) {
      direct.push(await load(port, 'localhost', options));
      proxied.push(await load(ports.http, 'web.bench.localhost', options));
    }
    // From `pm allocate` returning (another process) to the name routing (any answer but the
    // catch-all 404: nothing listens on the new port, so Caddy's 502 says the route is there).
    const routed = [];
    const agent = new Agent({ keepAlive: false });
    for (let i = 0; i < runs; i++) {
      pm('allocate', 'bench', `new${i}`);
      const t0 = process.hrtime.bigint();
      const answer = () => get(agent, ports.http, `new${i}.bench.localhost`).catch(() => 0);
      for (let status = await answer(); status === 404 || status === 0; status = await answer()) {
        await sleep(2);
      }
      routed.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const result = {
      direct: { rps: median(direct.map((r) => r.rps)), p99: median(direct.map((r) => r.p99)) },
      proxy: { rps: median(proxied.map((r) => r.rps)), p99: median(proxied.map((r) => r.p99)) },
      allocationToRouteMs: median(routed),
    };
    console.log(
      `\nproxy (${count} requests, ${concurrency} concurrent, keep-alive, median of ${runs} runs)`,
    );
    console.log(
      `  direct to the port       ${result.direct.rps.toFixed(0).padStart(7)} req/s   p99 ${result.direct.p99.toFixed(2)} ms`,
    );
    console.log(
      `  through pm proxy (Caddy) ${result.proxy.rps.toFixed(0).padStart(7)} req/s   p99 ${result.proxy.p99.toFixed(2)} ms`,
    );
    const ratio = result.proxy.rps / result.direct.rps;
    const added = result.proxy.p99 - result.direct.p99;
    console.log(
      `  ratio ${ratio.toFixed(2)} x requests/s (target >= 0.7 x${ratio >= 0.7 ? ', met' : ', MISSED'}), p99 +${added.toFixed(2)} ms (target <= 2 ms${added <= 2 ? ', met' : ', MISSED'})`,
    );
    console.log(
      `  allocation to its name routing: ${result.allocationToRouteMs.toFixed(0)} ms (median of ${runs}; each: ${routed.map((ms) => ms.toFixed(0)).join(', ')})`,
    );
    return result;
  } finally {
    proxy.kill('SIGTERM');
    server.kill('SIGTERM');
    await Promise.all([
      new Promise((resolve) =>
        proxy.exitCode !== null ? resolve() : proxy.once('close', resolve),
      ),
      new Promise((resolve) =>
        server.exitCode !== null ? resolve() : server.once('close', resolve),
      ),
    ]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runProxyBench();
