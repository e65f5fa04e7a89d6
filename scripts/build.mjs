// Builds dist/ with stock esbuild, and the API's type declarations with tsc:
// - dist/cli.js: the bin (src/bin.ts), a few lines that turn Node's compile cache on before
//   they require the bundle.
// - dist/cli/main.js: one CommonJS bundle holding every scripting path. A CommonJS file is read
//   and compiled synchronously, once; the commands off the everyday path are still evaluated
//   only when they run (esbuild wraps each lazily imported module).
// - dist/cli/dashboard.mjs: the dashboard (React, Ink, Yoga), an ES module because Ink and Yoga use
//   top-level await, which CommonJS cannot express. run-dashboard.ts import()s it once the
//   first frame is on screen. It carries its own copy of the modules it shares with the bin:
//   PmError is recognised by a brand (core/errors.ts), not by class identity.
// - dist/cli/server.js: pm mcp's server (MCP SDK, zod), CommonJS, loaded by `pm mcp` only.
// - dist/api/: the package's programmatic API as ES modules, split by esbuild.
// Every package in package.json's `dependencies` stays external (today only koffi: it ships
// its native binary in per-platform packages); everything else is bundled, which is why Ink,
// React, smol-toml and proper-lockfile are devDependencies. pm's own bundles are minified
// (whitespace and syntax; names kept, so an internal error's stack still names its functions);
// the API is not: a stack trace in an API user's program points at a readable line.
import { spawn } from 'node:child_process';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { pruneDeclarations } from './declarations.mjs';
import { writeThirdPartyNotices } from './third-party-notices.mjs';

const pkg = JSON.parse(await readFile('package.json', 'utf8'));
// Build beside dist and swap it in, so a test run using dist never sees it half-written.
const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;
const started = performance.now();

/** The dashboard's entry: the bin import()s it as the ES module beside it. */
const DASHBOARD_ENTRY = 'src/dashboard/terminal/render-app.tsx';
const DASHBOARD_FILE = 'dashboard.mjs';
const DASHBOARD_LOADER = 'load-dashboard.js';
const MCP_ENTRY = 'src/mcp/server.ts';
const MCP_FILE = 'server.js';

// Yoga (Ink's layout engine) ships its WebAssembly inlined as base64, yet its loader first
// tries `fetch` on that data: URL whenever a global fetch exists, as it does in Node 18+.
// That makes Node load its whole HTTP client (undici) just to decode a string, on the
// dashboard's first frame. Without fetch it decodes the string itself.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(builder) {
    builder.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const patched = text.replaceAll('"function"!=typeof fetch', 'true');
      if (patched === text) {
        console.warn(`build: ${args.path} no longer tests for fetch; the patch is obsolete`);
      }
      return { contents: patched, loader: 'js' };
    });
  },
};

/** Ink imports its devtools (and a bundled `ws`) only when DEV=true and react-devtools-core
 *  is installed, which it never is for pm: keep that import external instead of shipping it. */
const inkDevtoolsExternal = {
  name: 'ink-devtools-external',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/devtools\.js$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]ink[\\/]/.test(importer)
        ? { path: 'react-devtools-core', external: true }
        : undefined,
    );
  },
};

/** A module built as a file of its own stays a run-time require()/import() of that file. */
const builtApart = (filter, path) => ({
  name: 'built-apart',
  setup(builder) {
    builder.onResolve({ filter }, () => ({ path, external: true }));
  },
});

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22.12',
  external: [...Object.keys(pkg.dependencies ?? {}), 'react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"', PM_VERSION: JSON.stringify(pkg.version) },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};
// Ink's dependencies are CommonJS in places; give an ES module bundle a require().
/**
 * pm's own bundles: whitespace and syntax minified, names kept, so a stack of an internal
 * error stays readable by its function names. The scripting bundle is 27 % smaller (589 ->
 * 433 kB), which Node reads and its compile cache maps on every command (docs/benchmarks.md).
 * Not the API: an error thrown into its user's program shows its source line, and that line
 * must be one line of code, not the bundle.
 */
const minified = { minifyWhitespace: true, minifySyntax: true };
const esmRequire = {
  js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);",
};

// The declarations by the compiler itself (TypeScript 7 is native and has no JS API to
// transpile declarations file by file), in parallel with esbuild.
const declarations = runTsc(['-p', 'tsconfig.build.json', '--outDir', `${next}/api/types`]).then(
  () => pruneDeclarations(`${next}/api/types`, 'api/index.d.ts'),
);

try {
  const results = await Promise.all([
    build({
      ...common,
      entryPoints: ['src/bin.ts'],
      outfile: `${next}/cli.js`,
      format: 'cjs',
      plugins: [builtApart(/^\.\/cli\/main\.js$/, './cli/main.js')],
    }),
    build({
      ...common,
      entryPoints: ['src/cli/main.ts'],
      outfile: `${next}/cli/main.js`,
      format: 'cjs',
      ...minified,
      // Every import() becomes a require(): an import() of koffi or of a Node module would
      // start Node's ES module loader in a CommonJS program (measured: 10 % of the CPU of a
      // `pm --once`). The dashboard, an ES module, is reached through a CommonJS file that
      // import()s it for real (written below).
      supported: { 'dynamic-import': false },
      plugins: [
        builtApart(/[\\/]render-app\.js$/, `./${DASHBOARD_LOADER}`),
        builtApart(/[\\/]mcp[\\/]server\.js$/, `./${MCP_FILE}`),
      ],
    }),
    // pm mcp's server (the MCP SDK, zod): a CommonJS file of its own, so the scripting
    // commands never read it. Its own copy of the modules it shares with the bundle, as the
    // dashboard has.
    build({
      ...common,
      entryPoints: [MCP_ENTRY],
      outfile: `${next}/cli/${MCP_FILE}`,
      format: 'cjs',
      ...minified,
      supported: { 'dynamic-import': false },
    }),
    build({
      ...common,
      entryPoints: [DASHBOARD_ENTRY],
      outfile: `${next}/cli/${DASHBOARD_FILE}`,
      format: 'esm',
      ...minified,
      banner: esmRequire,
      plugins: [inkDevtoolsExternal, yogaWithoutFetch],
    }),
    build({
      ...common,
      // internal.js: what pm's own tests and benchmarks use of the internals; not shipped.
      entryPoints: { index: 'src/api/index.ts', internal: 'src/api/internal.ts' },
      outdir: `${next}/api`,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      banner: esmRequire,
      plugins: [inkDevtoolsExternal, yogaWithoutFetch],
    }),
  ]);
  // Node reads a .js file by the nearest package.json: the bin is CommonJS, the API ESM.
  await writeFile(`${next}/package.json`, '{ "type": "commonjs" }\n');
  await writeFile(`${next}/api/package.json`, '{ "type": "module" }\n');
  await writeFile(
    `${next}/cli/${DASHBOARD_LOADER}`,
    `// The dashboard's ES module, for the CommonJS bundle (scripts/build.mjs says why).\nexports.renderApp = async (...args) => (await import('./${DASHBOARD_FILE}')).renderApp(...args);\n`,
  );
  await chmod(`${next}/cli.js`, 0o755);
  // Bundled code keeps its licences: the notices of every bundled package ship beside it.
  const metafile = {
    inputs: Object.assign({}, ...results.map((result) => result.metafile.inputs)),
    outputs: Object.assign({}, ...results.map((result) => result.metafile.outputs)),
  };
  await writeThirdPartyNotices(metafile, `${next}/THIRD-PARTY-NOTICES.txt`);
  await declarations;
  // The API's source is src/api/index.ts; package.json names the types at the root of types/.
  await writeFile(`${next}/api/types/index.d.ts`, "export * from './api/index.js';\n");
} catch (error) {
  await declarations.catch(() => undefined);
  await rm(next, { recursive: true, force: true });
  throw error;
}
await rename('dist', old).catch(() => undefined);
await rename(next, 'dist');
await rm(old, { recursive: true, force: true });
if (process.env.PM_BUILD_TIME) {
  console.error(`build: ${Math.round(performance.now() - started)} ms`);
}

function runTsc(args) {
  const manifest = createRequire(import.meta.url).resolve('typescript/package.json');
  const tsc = join(dirname(manifest), 'bin', 'tsc');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, ...args], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`tsc (declarations) exited ${code}`)),
    );
  });
}
