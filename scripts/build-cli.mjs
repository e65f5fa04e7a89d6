// The CLI as CommonJS bundles that share one copy of every module.
//
// Why CommonJS: a `pm query` is over when Node's bootstrap is, so what pm adds to a bare
// `node -e 0` is the start-up. Node 20 starts an ES module through its ESM loader (async file
// reads, module jobs, linking: ~4 ms for an empty file on the project VM) and a bundle split
// by esbuild costs it once per chunk (13 chunks on the query path: ~1 ms each). A CommonJS
// entry is read and compiled synchronously, once. Measured side by side (docs/benchmarks.md):
// `pm query` 85 ms as split ES modules, 80 ms as one ES module, 75 ms as one CommonJS file,
// `node -e 0` 61 ms.
//
// Why a graph of bundles and not one: the dashboard (React, Ink, Yoga: 640 kB) and the native
// backends (koffi) must not be compiled by a `pm query`. esbuild splits code only for ES
// modules, and two separate bundles would each carry their own copy of the modules they
// share (two PmError classes: `instanceof` fails across them). So each `import()` in the
// sources becomes a bundle of its own that takes the modules its importers already loaded
// from them, through `require()` of the importer's bundle (`__pmModules` below), and bundles
// only what is new. Every module exists once at run time, and a command loads exactly the
// bundles on its path.
//
// The graph: dist/cli.js (the bin: src/cli.ts) -> dist/cli/main.js (parsing, the everyday
// commands, the store, the view) -> one bundle per dynamic import (the backends, the
// dashboard, run, env, kill, doctor, ...). Bundles load one another through the bin's
// `__pmRequire`, which keeps V8's code cache of each (src/cli/code-cache.ts) under a digest
// of the bundle this build writes into the bin. render-app is an ES module: Ink and Yoga use
// top-level await, which CommonJS cannot express; it loads only after the dashboard's first
// frame is on screen.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = process.cwd();
const MODULES_EXPORT = '__pmModules';
/** The bin's export that loads a bundle (src/cli.ts). */
const LOADER_EXPORT = '__pmRequire';

/**
 * @param {object} options
 * @param {string} options.outDir the dist directory being written (its `cli.js` and `cli/`)
 * @param {object} options.esbuild the shared esbuild options (define, plugins, externals...)
 * @param {(path: string) => boolean} options.esmOnly entries that must stay ES modules
 * @param {RegExp[]} [options.exclusive] bundles whose names one pattern matches never load
 *   together (one per OS): modules they share are not moved up
 * @returns the merged metafile (for the licence notices) and the bundles (for reports)
 */
export async function buildCli({ outDir, esbuild, esmOnly, exclusive = [] }) {
  const externals = new Set(esbuild.external ?? []);
  /** @type {Bundle[]} */
  const bundles = [];
  const byEntry = new Map();
  /** entry -> modules moved up into its bundle because two of its descendants share them */
  const hoisted = new Map();

  /** @typedef {{ name: string, entry: string, outfile: string, format: 'cjs' | 'esm',
   *   ancestors: Bundle[], closure: Set<string>, needs: Set<string>, metafile?: object }} Bundle */
  const addBundle = (entry, parent, name = bundleName(entry)) => {
    const known = byEntry.get(entry);
    if (known) {
      if (known.ancestors.at(-1) !== parent) {
        throw new Error(
          `build: ${rel(entry)} is imported lazily from two bundles (${known.ancestors.at(-1)?.name}, ${parent?.name}); give it one importer`,
        );
      }
      return known;
    }
    const format = esmOnly(entry) ? 'esm' : 'cjs';
    if (bundles.some((bundle) => bundle.name === name)) {
      throw new Error(`build: two lazily imported modules are both named ${name}`);
    }
    const outfile = parent
      ? join(outDir, 'cli', `${name}.${format === 'esm' ? 'mjs' : 'js'}`)
      : join(outDir, 'cli.js');
    const bundle = {
      name,
      entry,
      outfile,
      format,
      ancestors: parent ? [...parent.ancestors, parent] : [],
      closure: new Set(),
      needs: new Set(),
    };
    bundles.push(bundle);
    byEntry.set(entry, bundle);
    return bundle;
  };

  const buildOne = async (bundle, define = {}) => {
    const exported = [...new Set([...bundle.needs, ...(hoisted.get(bundle.entry) ?? [])])].sort();
    // The lent modules are imported before the entry, so they are evaluated before its body
    // runs, and handed out by a function, which exists before any code runs: the bin's body
    // loads main at once, and main takes modules from the bin while the bin is still running.
    const entryText = [
      ...exported.map((file, index) => `import * as m${index} from ${JSON.stringify(file)};`),
      `export * from ${JSON.stringify(bundle.entry)};`,
      // Built on first call, once: `var` is hoisted, so the call may come before this line runs.
      exported.length > 0
        ? `var lent; export function ${MODULES_EXPORT}() { return lent || (lent = { ${exported.map((file, index) => `${JSON.stringify(rel(file))}: m${index}`).join(', ')} }); }`
        : '',
    ].join('\n');
    const result = await build({
      ...esbuild,
      stdin: {
        contents: entryText,
        resolveDir: ROOT,
        sourcefile: `${bundle.name}-entry.js`,
        loader: 'js',
      },
      outfile: bundle.outfile,
      outdir: undefined,
      entryPoints: undefined,
      splitting: false,
      format: bundle.format,
      banner:
        bundle.format === 'esm'
          ? {
              // Bundled CommonJS (React) and the host modules below need require() in an ES module.
              js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);",
            }
          : bundle.ancestors.length === 0
            ? { js: '#!/usr/bin/env node' }
            : {},
      define: { ...esbuild.define, ...define },
      metafile: true,
      plugins: [...(esbuild.plugins ?? []), sharing(bundle)],
    });
    const closure = new Set(
      Object.keys(result.metafile.inputs)
        .filter((input) => !isVirtual(input))
        .map((input) => resolve(ROOT, input)),
    );
    if (bundle.metafile && bundle.needs.size > 0 && !sameSet(closure, bundle.closure)) {
      throw new Error(
        `build: exporting modules for lazy bundles changed what ${bundle.name} holds: ${[...closure]
          .filter((f) => !bundle.closure.has(f))
          .concat([...bundle.closure].filter((f) => !closure.has(f)))
          .map(rel)
          .join(', ')}`,
      );
    }
    bundle.closure = closure;
    bundle.metafile = result.metafile;
  };

  /** The plugin that makes `bundle` take what its ancestors hold from them. */
  const sharing = (bundle) => ({
    name: 'pm-shared-modules',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.pmResolving) return undefined;
        // The one-line modules below require() other bundles: those stay run-time requires.
        if (args.namespace === 'pm-host' || args.namespace === 'pm-lazy') {
          return { path: args.path, external: true };
        }
        const outside =
          args.path.startsWith('node:') ||
          isBuiltin(args.path) ||
          externals.has(packageName(args.path));
        if (outside) {
          // import('koffi') or import('node:net') would start the ESM loader in a CommonJS
          // bundle (~4 ms, measured in pm --once): they become require() too.
          if (args.kind !== 'dynamic-import' || bundle.format !== 'cjs') return undefined;
          return { path: args.path, namespace: 'pm-lazy', pluginData: { target: args.path } };
        }
        const resolved = await builder.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { pmResolving: true },
        });
        // Unresolvable (an optional require in a try block): esbuild's own rules apply.
        if (resolved.errors.length > 0) return undefined;
        if (resolved.external || resolved.namespace !== 'file') return undefined;
        const file = resolved.path;
        const host = bundle.ancestors.find((ancestor) => ancestor.closure.has(file));
        if (host) {
          host.needs.add(file);
          return { path: file, namespace: 'pm-host', pluginData: { host } };
        }
        // require.resolve() of a module (the bin's path to main): the path of its bundle.
        if (args.kind === 'require-resolve') {
          return {
            path: relativeRequire(bundle.outfile, addBundle(file, bundle).outfile),
            external: true,
          };
        }
        if (args.kind === 'dynamic-import') {
          const child = addBundle(file, bundle);
          const target = relativeRequire(bundle.outfile, child.outfile);
          // An ES module child stays a real import(); a CommonJS one is require()d (an
          // import() of it would start the ESM loader this layout exists to avoid).
          if (child.format === 'esm') {
            bundle.importsEsm = true;
            return { path: target, external: true };
          }
          return { path: file, namespace: 'pm-lazy', pluginData: { target, bundle: true } };
        }
        return undefined;
      });
      builder.onLoad({ filter: /.*/, namespace: 'pm-host' }, ({ path, pluginData }) => {
        const lent = `require(${JSON.stringify(relativeRequire(bundle.outfile, pluginData.host.outfile))}).${MODULES_EXPORT}()[${JSON.stringify(rel(path))}]`;
        // An ES module importer (Ink in the dashboard chunk) takes a CommonJS module's whole
        // exports as its default: a lent package whose default export is a function
        // (string-width) is handed over as that function, its named exports on it.
        const contents =
          bundle.format === 'esm'
            ? `const lent = ${lent};\nmodule.exports = typeof lent.default === 'function' ? Object.assign((...args) => lent.default(...args), lent) : lent;`
            : `module.exports = ${lent};`;
        return { contents, loader: 'js', resolveDir: ROOT };
      });
      // Another bundle loads through the bin's loader (the code cache on Node 20: src/cli.ts);
      // a package or a Node module is a plain require().
      const root = bundles[0];
      builder.onLoad({ filter: /.*/, namespace: 'pm-lazy' }, ({ pluginData }) => ({
        contents:
          pluginData.bundle && bundle !== root
            ? `module.exports = require(${JSON.stringify(relativeRequire(bundle.outfile, root.outfile))}).${LOADER_EXPORT}(require.resolve(${JSON.stringify(pluginData.target)}));`
            : `module.exports = require(${JSON.stringify(pluginData.target)});`,
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  });

  // A module two sibling bundles both import moves up into the bundle both are loaded from
  // (their nearest common ancestor), as Rollup places shared code; then everything is built
  // again. Bundles of one exclusive group (the per-OS backends) never load together, so
  // what they share may be in each.
  for (let round = 0; ; round++) {
    bundles.length = 0;
    byEntry.clear();
    addBundle(resolve(ROOT, 'src/cli.ts'), undefined, 'cli');
    // Parents first: a bundle is built once everything it can take modules from is known.
    for (let index = 0; index < bundles.length; index++) await buildOne(bundles[index]);
    // Then every bundle that lends modules again, now exporting them (same contents).
    await Promise.all(bundles.filter((bundle) => bundle.needs.size > 0).map(buildOne));
    const duplicates = duplicatedModules(bundles, exclusive);
    if (duplicates.length === 0) break;
    if (round === 3) {
      throw new Error(
        `build: still bundled twice after moving shared modules up:\n${duplicates.map(({ file }) => rel(file)).join('\n')}`,
      );
    }
    for (const { file, holders } of duplicates) {
      const common = holders
        .map((holder) => [...holder.ancestors, holder])
        .reduce((a, b) => a.filter((bundle) => b.includes(bundle)))
        .at(-1);
      if (!common) throw new Error(`build: ${rel(file)} has no bundle to move up to`);
      const moved = hoisted.get(common.entry) ?? new Set();
      moved.add(file);
      hoisted.set(common.entry, moved);
    }
  }
  // The bin names each bundle's code cache by a digest of it (src/cli/code-cache.ts).
  const digests = {};
  // Not for a bundle that import()s an ES module: that fails in code compiled from a cache.
  const cached = bundles.slice(1).filter((bundle) => bundle.format === 'cjs' && !bundle.importsEsm);
  for (const bundle of cached) {
    const bytes = await readFile(bundle.outfile);
    digests[basename(bundle.outfile)] = createHash('sha256')
      .update(bytes)
      .digest('hex')
      .slice(0, 16);
  }
  await buildOne(bundles[0], { PM_BUNDLE_DIGESTS: JSON.stringify(digests) });
  return {
    bundles,
    metafile: {
      inputs: Object.fromEntries(
        bundles.flatMap((bundle) =>
          Object.entries(bundle.metafile.inputs).filter(([input]) => !isVirtual(input)),
        ),
      ),
      outputs: Object.assign({}, ...bundles.map((bundle) => bundle.metafile.outputs)),
    },
  };
}

/** Source modules held by two bundles that can load together (packages may repeat: they keep
 *  no identity pm checks). */
function duplicatedModules(bundles, exclusive) {
  const holders = new Map();
  for (const bundle of bundles) {
    for (const file of bundle.closure) {
      if (/[\\/]node_modules[\\/]/.test(file)) continue;
      holders.set(file, [...(holders.get(file) ?? []), bundle]);
    }
  }
  const together = (a, b) => !exclusive.some((group) => group.test(a.name) && group.test(b.name));
  return [...holders]
    .filter(([, list]) => list.some((a, i) => list.slice(i + 1).some((b) => together(a, b))))
    .map(([file, list]) => ({ file, holders: list }));
}

function bundleName(file) {
  const name = basename(file, extname(file));
  // src/commands/run.ts keeps its name; an index or an OS's backend (src/os/linux/backend.ts)
  // is named by its folder.
  return name === 'index' || name === 'backend' ? basename(dirname(file)) : name;
}

function packageName(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return '';
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function relativeRequire(fromFile, toFile) {
  const path = relative(dirname(fromFile), toFile).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function rel(file) {
  return relative(ROOT, file).split('\\').join('/');
}

/** The one-line modules this plugin writes, and the generated entry: not files. */
function isVirtual(input) {
  return /^(pm-host|pm-lazy):|^<stdin>$|^<define:/.test(input);
}

function sameSet(a, b) {
  return a.size === b.size && [...a].every((item) => b.has(item));
}
