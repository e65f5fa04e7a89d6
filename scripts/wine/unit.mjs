// The win32 unit tests in Wine's node.exe. vitest cannot start there: vite loads esbuild
// (Go) and rollup (Rust), and their Windows binaries import `ProcessPrng` from
// bcryptprimitives.dll, which Wine 8 does not have (they abort at start-up). Building a stub
// DLL would need a MinGW toolchain in CI. Instead the test files are bundled here on Linux
// with esbuild, `vitest` resolved to scripts/wine/vitest-shim.mjs (vitest's own `expect`
// with a small collector and runner), koffi left external, and the bundle runs in node.exe
// against the real iphlpapi/kernel32 of Wine where a test asks for them.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { runWin, winPath } from './wine.mjs';

/** The files with Windows-specific behaviour; every test in them runs (or says why it skips). */
export const UNIT_FILES = [
  'test/os/win32/tables.test.ts',
  'test/os/win32/toolhelp.test.ts',
  'test/os/win32/scanner.test.ts',
  'test/os/backend-choice.test.ts',
  'test/os/win32/kill.test.ts',
  'test/os/win32/job.test.ts',
];

/**
 * PM_WINE_UNIT=all runs every test file instead (a developer's check of what the rest of the
 * suite does on Windows; vi.mock and fake timers are not in the shim, so those files fail).
 */
function unitFiles(root) {
  if (process.env.PM_WINE_UNIT !== 'all') return UNIT_FILES;
  return readdirSync(join(root, 'test'), { recursive: true })
    .filter((file) => /\.test\.tsx?$/.test(file))
    .map((file) => `test/${file}`)
    .sort();
}

export async function runUnitTests(ctx, root, tree) {
  const dir = join(tree, 'unit');
  const entry = join(dir, 'entry.mjs');
  mkdirSync(dir, { recursive: true });
  const shim = join(root, 'scripts', 'wine', 'vitest-shim.mjs');
  const loads = unitFiles(root)
    .map(
      (file) =>
        `  [${JSON.stringify(file)}, () => import(${JSON.stringify(relative(dir, join(root, file)))})],`,
    )
    .join('\n');
  writeFileSync(
    entry,
    `import { writeFileSync } from 'node:fs';
import { collecting, runCollected } from 'vitest';
const files = [
${loads}
];
const results = [];
for (const [file, load] of files) {
  console.log(file);
  collecting(file);
  try {
    await load();
    await runCollected(results);
  } catch (error) {
    results.push({ file, name: '(loading the file)', status: 'failed', error: String(error?.stack ?? error) });
  }
  // After every file, so a crash still leaves the results so far.
  writeFileSync(process.argv[2], JSON.stringify(results, null, 1));
}
writeFileSync(process.argv[2] + '.done', '');
`,
  );
  await build({
    entryPoints: [entry],
    outdir: join(dir, 'out'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['koffi', 'react-devtools-core'],
    alias: { vitest: shim },
    banner: {
      js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  // The reliability tests start worker scripts next to their own module.
  cpSync(join(root, 'test', 'reliability', 'workers'), join(dir, 'out', 'workers'), {
    recursive: true,
  });
  const resultsFile = join(ctx.out, 'unit-results.json');
  const run = await runWin(ctx, [winPath(join(dir, 'out', 'entry.js')), winPath(resultsFile)], {
    name: 'unit',
    timeoutMs: process.env.PM_WINE_UNIT === 'all' ? 1_800_000 : 240_000,
  });
  let results;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    results = [];
  }
  if (!existsSync(`${resultsFile}.done`)) {
    const last = run.stdout.trim().split(/\r?\n/).pop();
    results.push({
      file: last ?? '(start)',
      name: `(the runner stopped: exit ${run.code ?? run.signal})`,
      status: 'failed',
      error: run.stderr.slice(-2000),
    });
  }
  const count = (status) => results.filter((r) => r.status === status).length;
  const failures = results
    .filter((r) => r.status === 'failed')
    .map((r) => `${r.file} > ${r.name}\n${r.error}`);
  for (const r of results) {
    if (r.status !== 'passed') console.log(`    ${r.status}: ${r.file} > ${r.name}`);
  }
  return {
    files: new Set(results.map((r) => r.file)).size,
    passed: count('passed'),
    skipped: count('skipped'),
    failed: count('failed'),
    failures,
  };
}
