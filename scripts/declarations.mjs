// The package's type declarations: tsc (tsconfig.build.json) writes one for every module the
// public entry reaches; this keeps only those the public types refer to.
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const RELATIVE_IMPORT = /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g;

/**
 * tsc writes a declaration for every module the entry reaches, including the native backends
 * it imports lazily; a user's compiler needs only those the public types refer to.
 */
export async function pruneDeclarations(root, entry) {
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
