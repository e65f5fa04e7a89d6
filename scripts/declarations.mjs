// The package's type declarations, written for the public entry and what its types refer to.
// Fast path: TypeScript's isolated-declarations transpiler, file by file, no type checking
// (about a third of a full `tsc` run, which must load and check @types/node). A module it
// cannot declare without inference (an export lacking an explicit type) sends the whole run
// to `tsc -p tsconfig.build.json`, slower but never wrong; the note says what to annotate.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const RELATIVE_IMPORT = /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g;

export async function writeDeclarations({ entry, srcRoot, outDir }) {
  const { default: ts } = await import('typescript');
  const compilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    stripInternal: true,
  };
  const outputs = new Map();
  const problems = [];
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (outputs.has(file)) continue;
    const source = await readFile(file, 'utf8');
    const { outputText, diagnostics = [] } = ts.transpileDeclaration(source, {
      fileName: file,
      compilerOptions,
      reportDiagnostics: true,
    });
    for (const diagnostic of diagnostics) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      problems.push(`${relative('.', file)}:${line + 1}: ${text}`);
    }
    outputs.set(file, outputText);
    for (const [, specifier] of outputText.matchAll(RELATIVE_IMPORT)) {
      queue.push(resolve(dirname(file), `${specifier}.ts`));
    }
  }
  if (problems.length > 0) {
    console.error(
      `declarations: full tsc run, as ${problems.length} export(s) need an explicit type for the fast path:\n  ${problems.join('\n  ')}`,
    );
    await runTsc(['-p', 'tsconfig.build.json', '--outDir', outDir]);
    await pruneDeclarations(outDir, 'index.d.ts');
    return;
  }
  for (const [file, text] of outputs) {
    const out = join(outDir, relative(srcRoot, file).replace(/\.ts$/, '.d.ts'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
  }
}

function runTsc(args) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, ...args], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`tsc (declarations) exited ${code}`)),
    );
  });
}

/**
 * tsc writes a declaration for every module the entry reaches, including the native backends
 * it imports lazily; a user's compiler needs only those the public types refer to.
 */
async function pruneDeclarations(root, entry) {
  const keep = new Set();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (keep.has(file)) continue;
    keep.add(file);
    for (const [, specifier] of (await readFile(file, 'utf8')).matchAll(RELATIVE_IMPORT)) {
      queue.push(resolve(dirname(file), `${specifier}.d.ts`));
    }
  }
  for (const file of await listFiles(root)) {
    if (!keep.has(file)) await rm(file);
  }
  await removeEmptyDirs(root);
}

async function listFiles(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(resolve(path));
  }
  return files;
}

async function removeEmptyDirs(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeEmptyDirs(join(dir, entry.name));
  }
  if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true });
}
