// Every type a public signature uses can be named by the caller: a type that appears in the
// declarations of an export but is not exported itself is a leak (the caller gets values whose
// type it cannot write down). Exported or hidden, on purpose: this test makes it a decision.
// TypeScript 7 has no stable compiler API, so the declarations are read as text: they are
// tsc's output for a small surface (a handful of files), where names are plain words.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const TYPES = fileURLToPath(new URL('../../dist/api/types/', import.meta.url));
// The root index.d.ts re-exports src/api/index.ts's declarations.
const ENTRY = join(TYPES, 'api', 'index.d.ts');
const RELATIVE_IMPORT = /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g;
const DECLARATION =
  /^export (?:declare )?(?:interface|type|class|function|const|enum|abstract class) (\w+)/gm;

/** Each declaration file the entry reaches, by path, with its text (comments removed). */
function declarationFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    files.set(file, text);
    for (const [, specifier] of text.matchAll(RELATIVE_IMPORT)) {
      queue.push(join(dirname(file), `${specifier}.d.ts`));
    }
  }
  return files;
}

/** The names index.d.ts exports (re-exported or declared there). */
function exportedNames(entry: string): Set<string> {
  const names = new Set<string>();
  for (const [, list] of entry.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const item of (list ?? '').split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  }
  for (const [, name] of entry.matchAll(DECLARATION)) names.add(name!);
  return names;
}

/** Top-level declarations of each file: name -> its text, up to the next declaration. */
function declarations(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const starts = [...text.matchAll(DECLARATION)];
  starts.forEach((match, index) => {
    const end = starts[index + 1]?.index ?? text.length;
    const body = text.slice(match.index, end);
    found.set(match[1]!, (found.get(match[1]!) ?? '') + body);
  });
  return found;
}

function leakedTypes(): Map<string, Set<string>> {
  const files = declarationFiles();
  const exported = exportedNames(files.get(ENTRY)!);
  const declared = new Map<string, string>();
  for (const text of files.values()) {
    for (const [name, body] of declarations(text)) declared.set(name, body);
  }
  const leaks = new Map<string, Set<string>>();
  const visited = new Set<string>();
  const visit = (name: string): void => {
    if (visited.has(name)) return;
    visited.add(name);
    const body = declared.get(name) ?? '';
    for (const [word] of body.matchAll(/\b[A-Za-z_]\w*\b/g)) {
      if (word === name || !declared.has(word)) continue;
      if (!exported.has(word)) leaks.set(word, (leaks.get(word) ?? new Set()).add(name));
      visit(word);
    }
  };
  for (const name of exported) visit(name);
  return leaks;
}

it('exports every type its public signatures use', () => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run 'npm run build'`);
  expect(exportedNames(readFileSync(ENTRY, 'utf8')).size).toBeGreaterThan(5);
  const leaks = [...leakedTypes()].map(
    ([name, users]) => `${name} (used by ${[...users].join(', ')})`,
  );
  expect(leaks).toEqual([]);
});
