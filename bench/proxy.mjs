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
  // A second server that spends 1 ms of CPU on each response, as a dev server rendering a
  // page does at least: the proxy's cost beside a response that is not free.
  const appPort = Number(pm('allocate', 'bench', 'app').stdout);
  const serve = (at, workMs) =>
    spawn(
      process.execPath,
      [
        '-e',
        `const work = ${workMs}; require('node:http').createServer((q, s) => {
           for (const end = performance.now() + work; performance.now() < end; );
           s.end('ok');
         }).listen(${at}, '127.0.0.1', () => console.log('up'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
  const server = serve(port, 0);
  const app = serve(appPort, 1);
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
    await Promise.all([
      waitForLine(server, /up/),
      waitForLine(app, /up/),
      waitForLine(proxy, /Ctrl-C stops it/),
    ]);
    const options = { count, concurrency };
    await load(port, 'localhost', options); // warm-up: sockets, JIT, Caddy's pools
    await load(ports.http, 'web.bench.localhost', options);
    const direct = [];
    const proxied = [];
    // The same, one request at a time: the hop's own latency, without 16 requests queueing
    // for two cores behind the client, Caddy and the server.
    const serial = { count: Math.round(count / 2), concurrency: 1 };
    const directSerial = [];
    const proxiedSerial = [];
    const directApp = [];
    const proxiedApp = [];
    for (let run = 0; run < runs; run++) {
      direct.push(await load(port, 'localhost', options));
      proxied.push(await load(ports.http, 'web.bench.localhost', options));
      directSerial.push(await load(port, 'localhost', serial));
      proxiedSerial.push(await load(ports.http, 'web.bench.localhost', serial));
      directApp.push(await load(appPort, 'localhost', options));
      proxiedApp.push(await load(ports.http, 'app.bench.localhost', options));
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
    const summary = (list) => ({
      rps: median(list.map((r) => r.rps)),
      p99: median(list.map((r) => r.p99)),
    });
    const result = {
      direct: summary(direct),
      proxy: summary(proxied),
      serial: { direct: summary(directSerial), proxy: summary(proxiedSerial) },
      app: { direct: summary(directApp), proxy: summary(proxiedApp) },
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
    const line = (label, pair) =>
      console.log(
        `  ${label.padEnd(38)} ${pair.direct.rps.toFixed(0).padStart(6)} -> ${pair.proxy.rps.toFixed(0).padStart(6)} req/s = ${(pair.proxy.rps / pair.direct.rps).toFixed(2)} x   p99 ${pair.direct.p99.toFixed(2)} -> ${pair.proxy.p99.toFixed(2)} ms (+${(pair.proxy.p99 - pair.direct.p99).toFixed(2)})`,
      );
    console.log('  direct -> through pm proxy:');
    line(`trivial server, 1 at a time (${serial.count} req)`, result.serial);
    line(`1 ms of work per response, ${concurrency} concurrent`, result.app);
    console.log(
      `  allocation to its name routing: ${result.allocationToRouteMs.toFixed(0)} ms (median of ${runs}; each: ${routed.map((ms) => ms.toFixed(0)).join(', ')})`,
    );
    return result;
  } finally {
    proxy.kill('SIGTERM');
    server.kill('SIGTERM');
    app.kill('SIGTERM');
    await Promise.all([
      new Promise((resolve) => (app.exitCode !== null ? resolve() : app.once('close', resolve))),
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
