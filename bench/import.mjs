// What the programmatic API costs the tool that imports it (a vite.config.ts, a server's
// entry): the `import` of the package entry, its `require()` from CommonJS, and a whole
// `await port('shop', 'web')` for a service that already has its port, each against a bare
// `node -e 0` in the same interleaved run. Target (issue 17): import <= 30 ms above node -e 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCommands } from './lib.mjs';

const ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const TARGET_MS = 30;

export function runImportBench({ runs = 30 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-'));
  const env = { PM_REGISTRY: join(dir, 'registry.toml') };
  try {
    const esm = (code) => [process.execPath, '--input-type=module', '-e', code];
    const first = spawnSync(...splitArgv(esm(portCall())), { env: { ...process.env, ...env } });
    if (first.status !== 0) throw new Error(`port() failed: ${first.stderr}`);
    const rows = timeCommands(
      [
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
        { name: 'import (ESM)', argv: esm(`await import(${JSON.stringify(ENTRY)})`) },
        {
          name: 'require() (CommonJS)',
          argv: [process.execPath, '-e', `require(${JSON.stringify(ENTRY)})`],
        },
        { name: "import + await port('shop', 'web') (existing)", argv: esm(portCall()) },
      ],
      { runs, env: { ...process.env, ...env } },
    );
    const base = rows[0].median;
    console.log(`\nAPI entry cost, median of ${runs} interleaved runs (dist/index.js)`);
    for (const row of rows) {
      const extra = row === rows[0] ? '' : `  +${(row.median - base).toFixed(1)} ms`;
      const goal =
        row.name === 'import (ESM)'
          ? `  (target <= +${TARGET_MS} ms${row.median - base <= TARGET_MS ? ', met' : ', MISSED'})`
          : '';
      console.log(
        `  ${row.name.padEnd(48)} ${row.median.toFixed(1).padStart(7)} ms${extra}${goal}`,
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function portCall() {
  return `const { port } = await import(${JSON.stringify(ENTRY)}); await port('shop', 'web');`;
}

function splitArgv(argv) {
  return [argv[0], argv.slice(1)];
}

if (import.meta.url === `file://${process.argv[1]}`) runImportBench();
