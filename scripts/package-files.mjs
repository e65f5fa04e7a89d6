// Files the build adds to dist for the published package: the licence notices of the code
// esbuild bundled, and only the declaration files the public entry actually refers to.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

/** One notice per bundled package (name, version, licence text), sorted by name. */
export async function writeThirdPartyNotices(metafile, file) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const notices = [];
  for (const dir of dirs) {
    const { name, version, license } = JSON.parse(
      await readFile(join(dir, 'package.json'), 'utf8'),
    );
    const licenceFile = (await readdir(dir)).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
    const text = licenceFile ? (await readFile(join(dir, licenceFile), 'utf8')).trim() : '';
    notices.push({
      name,
      text: `${name}@${version} (${license ?? 'no licence field'})\n\n${text}`,
    });
  }
  notices.sort((a, b) => (a.name < b.name ? -1 : 1));
  const header = 'pm bundles the following packages into dist/. Their licences:\n\n';
  await writeFile(file, `${header}${notices.map((notice) => notice.text).join('\n\n---\n\n')}\n`);
}

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
    const text = await readFile(file, 'utf8');
    for (const [, specifier] of text.matchAll(
      /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g,
    )) {
      queue.push(resolve(dirname(file), `${specifier}.d.ts`));
    }
  }
  for (const file of await listFiles(root)) {
    if (!keep.has(file)) await rm(file);
  }
  await removeEmptyDirs(root);
  return [...keep].map((file) => relative(root, file));
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
