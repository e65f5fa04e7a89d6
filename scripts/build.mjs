// Bundles the CLI and the programmatic API with esbuild. One bundle keeps `pm` start-up
// close to `node -e 0`; code splitting keeps React/Ink and koffi out of the scripting paths
// (they load only when the dashboard or a native scanner is used). koffi stays external
// because it ships its native binary in per-platform packages.
import { chmod, readFile, rename, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const { version } = JSON.parse(await readFile('package.json', 'utf8'));

// Yoga (Ink's layout engine) ships its WebAssembly inlined as base64, yet its loader first
// tries `fetch` on that data: URL whenever a global fetch exists, as it does in Node 18+.
// That makes Node load its whole HTTP client (undici) just to decode a string: 20-30 ms of
// the dashboard's first frame on the project VM. Without fetch it decodes the string itself.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(build) {
    build.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const patched = text.replaceAll('"function"!=typeof fetch', 'true');
      if (patched === text) {
        console.warn(`build: ${args.path} no longer tests for fetch; the patch is obsolete`);
      }
      return { contents: patched, loader: 'js' };
    });
  },
};
// Build beside dist and swap it in, so a test run using dist never sees it half-written.
const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;
await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // react-devtools-core is only imported by Ink when DEV=true; it is not a dependency.
  external: ['koffi', 'react-devtools-core'],
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    // Ink's dependencies are CommonJS in places; give the ESM bundle a require().
    js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);",
  },
  define: { 'process.env.NODE_ENV': '"production"', PM_VERSION: JSON.stringify(version) },
  // Whitespace and syntax only: identifiers stay readable in the stack of an internal error.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [yogaWithoutFetch],
});
await chmod(`${next}/cli.js`, 0o755);
await rename('dist', old).catch(() => undefined);
await rename(next, 'dist');
await rm(old, { recursive: true, force: true });
