// The architecture's rules (docs/architecture.md), checked over every file of src/: arrows
// point down only (core knows no front end and no OS), the OS layer takes only types from
// core, koffi and process.platform stay in src/os, process.env in src/cli (and the bin).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

interface SourceFile {
  /** Relative to src/, with forward slashes: 'core/model/port.ts'. */
  readonly path: string;
  readonly text: string;
}

interface ImportEdge {
  readonly specifier: string;
  /** The imported file relative to src/ for a relative specifier, else undefined. */
  readonly target: string | undefined;
  /** `import type` / `export type`: erased, no run-time arrow. */
  readonly typeOnly: boolean;
}

/** Comments and string contents out, so a comment naming process.env is no violation. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: SourceFile): ImportEdge[] {
  const text = code(file.text);
  const target = (specifier: string) =>
    specifier.startsWith('.')
      ? join(dirname(file.path), specifier).split('\\').join('/').replace(/\.js$/, '')
      : undefined;
  const edges: ImportEdge[] = [];
  for (const [, , type, specifier] of text.matchAll(STATIC)) {
    edges.push({
      specifier: specifier as string,
      target: target(specifier as string),
      typeOnly: !!type,
    });
  }
  for (const [, specifier] of text.matchAll(DYNAMIC)) {
    edges.push({
      specifier: specifier as string,
      target: target(specifier as string),
      typeOnly: false,
    });
  }
  return edges;
}

const under = (path: string | undefined, folder: string) =>
  path !== undefined && (path === folder || path.startsWith(`${folder}/`));

/** Every broken rule in `files`, one line each. */
function violations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const text = code(file.text);
    for (const edge of importsOf(file)) {
      if (under(file.path, 'core')) {
        for (const upper of ['os', 'view', 'dashboard', 'cli', 'commands', 'api', 'mcp']) {
          if (under(edge.target, upper) && !allowed(file.path, edge.target)) {
            found.push(`${file.path} imports ${edge.specifier}: core imports no ${upper}/`);
          }
        }
      }
      if (under(file.path, 'os') && under(edge.target, 'core') && !edge.typeOnly) {
        found.push(`${file.path} imports ${edge.specifier}: os/ takes only types from core`);
      }
      if (edge.specifier === 'koffi' && !under(file.path, 'os')) {
        found.push(`${file.path} imports koffi outside os/`);
      }
    }
    if (/\bprocess\.platform\b/.test(text) && !under(file.path, 'os') && !allowed(file.path)) {
      found.push(`${file.path} reads process.platform outside os/`);
    }
    if (/\bprocess\.env\b/.test(text) && !under(file.path, 'cli') && file.path !== 'bin.ts') {
      found.push(`${file.path} reads process.env outside cli/`);
    }
  }
  return found;
}

/**
 * Known exceptions, each with its reason; the list only shrinks. Empty since the store is
 * given its OS parts (StoreSystem: platform, lock probe, temp files) by whoever builds it.
 */
const EXCEPTIONS: ReadonlyArray<readonly [string, string | undefined]> = [];

function allowed(path: string, target?: string): boolean {
  return EXCEPTIONS.some(([file, to]) => file === path && to === target);
}

function sourceFiles(dir = SRC): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    if (!/\.tsx?$/.test(entry.name)) return [];
    return [{ path: relative(SRC, full).split('\\').join('/'), text: readFileSync(full, 'utf8') }];
  });
}

describe('the arrows of src/', () => {
  it('holds for every file', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it('sees each kind of violation', () => {
    const file = (path: string, text: string): SourceFile => ({ path, text });
    expect(
      violations([
        file('core/model/a.ts', "import { x } from '../../os/shared/home.js';"),
        file('core/actions/b.ts', "import { y } from '../../dashboard/model/state.js';"),
        file('core/c.ts', "export { z } from '../cli/settings.js';"),
        file('core/d.ts', "import type { V } from '../view/cells.js';"),
        file('os/linux/e.ts', "import { PmError } from '../../core/errors.js';"),
        file('os/linux/f.ts', "import type { Scanner } from '../../core/ports.js';"),
        file('view/g.ts', "const koffi = await import('koffi');"),
        file('commands/h.ts', "if (process.platform === 'win32') {}"),
        file('dashboard/i.ts', 'const home = process.env.HOME;'),
        file('cli/j.ts', 'const home = process.env.HOME; // fine here'),
        file('view/k.ts', '// a comment may name process.env and process.platform'),
      ]),
    ).toEqual([
      'core/model/a.ts imports ../../os/shared/home.js: core imports no os/',
      'core/actions/b.ts imports ../../dashboard/model/state.js: core imports no dashboard/',
      'core/c.ts imports ../cli/settings.js: core imports no cli/',
      'core/d.ts imports ../view/cells.js: core imports no view/',
      'os/linux/e.ts imports ../../core/errors.js: os/ takes only types from core',
      'view/g.ts imports koffi outside os/',
      'commands/h.ts reads process.platform outside os/',
      'dashboard/i.ts reads process.env outside cli/',
    ]);
  });
});
