// Bundles the CLI and the programmatic API with esbuild, and writes the API's type
// declarations (scripts/declarations.mjs). One bundle keeps `pm` start-up close to
// `node -e 0`; code splitting keeps React/Ink and koffi out of the scripting paths (they load
// only when the dashboard or a native scanner is used). Every package in package.json's `dependencies` stays external
// (today only koffi: it ships its native binary in per-platform packages); everything else
// is bundled, which is why Ink, React, smol-toml and proper-lockfile are devDependencies.
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { buildCli } from './build-cli.mjs';
import { writeDeclarations } from './declarations.mjs';
import { writeThirdPartyNotices } from './third-party-notices.mjs';

const pkg = JSON.parse(await readFile('package.json', 'utf8'));
// Build beside dist and swap it in, so a test run using dist never sees it half-written.
const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;
const started = performance.now();

// esbuild bundles in its own process while this one writes the declarations.
const declarations = writeDeclarations({
  entry: 'src/api/index.ts',
  srcRoot: 'src',
  outDir: `${next}/api/types`,
});

// Yoga (Ink's layout engine) ships its WebAssembly inlined as base64, yet its loader first
// tries `fetch` on that data: URL whenever a global fetch exists, as it does in Node 18+.
// That makes Node load its whole HTTP client (undici) just to decode a string: 20-30 ms of
// the dashboard's first frame on the project VM. Without fetch it decodes the string itself.
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

try {
  const options = {
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...Object.keys(pkg.dependencies ?? {}), 'react-devtools-core'],
    plugins: [inkDevtoolsExternal, yogaWithoutFetch],
    banner: {
      // Ink's dependencies are CommonJS in places; give the ESM bundle a require().
      js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);",
    },
    define: { 'process.env.NODE_ENV': '"production"', PM_VERSION: JSON.stringify(pkg.version) },
    // Whitespace and syntax only: identifiers stay readable in the stack of an internal error.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  };
  // The CLI and the API are built apart: the CLI as CommonJS bundles that share modules
  // (scripts/build-cli.mjs says why), the API as ES modules split by esbuild, for `import`.
  const [cli, api] = await Promise.all([
    buildCli({
      outDir: next,
      esbuild: options,
      esmOnly: (file) => /[\\/]dashboard[\\/]terminal[\\/]render-app\.tsx$/.test(file),
      exclusive: [/^(linux|darwin|win32)$/],
    }),
    build({
      ...options,
      outdir: `${next}/api`,
      entryPoints: { index: 'src/api/index.ts' },
      chunkNames: 'chunks/[name]-[hash]',
    }),
  ]);
  // Node reads a .js file by the nearest package.json: the CLI's are CommonJS, the API's ESM.
  await writeFile(`${next}/package.json`, '{ "type": "commonjs" }\n');
  await writeFile(`${next}/api/package.json`, '{ "type": "module" }\n');
  const result = {
    metafile: {
      inputs: { ...cli.metafile.inputs, ...api.metafile.inputs },
      outputs: { ...cli.metafile.outputs, ...api.metafile.outputs },
    },
  };
  await chmod(`${next}/cli.js`, 0o755);
  // Bundled code keeps its licences: the notices of every bundled package ship beside it.
  await writeThirdPartyNotices(result.metafile, `${next}/THIRD-PARTY-NOTICES.txt`);
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
