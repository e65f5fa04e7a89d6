// docs/examples/playwright.config.ts compiles against the package's published declarations
// (dist/api/types, resolved as `port-ledger`) and a stub of Playwright's config type: if url()
// changed its signature, or the example drifted from the API, this fails.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('../../docs/examples/playwright.config.ts', import.meta.url));
const STUB = fileURLToPath(new URL('./playwright-stub.d.ts', import.meta.url));
const TYPES = fileURLToPath(new URL('../../dist/api/types/index.d.ts', import.meta.url));

function diagnostics(files: string[]): string[] {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    // `process.env.CI` in the example: Node's types, as a Playwright project has them.
    types: ['node'],
    lib: ['lib.es2023.d.ts'],
    paths: { 'port-ledger': [TYPES] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

it('type-checks the Playwright example against the package types', () => {
  if (!existsSync(TYPES)) throw new Error(`${TYPES} is missing: run 'npm run build'`);
  expect(diagnostics([EXAMPLE, STUB])).toEqual([]);
});

it('would catch a wrong use (the check is not vacuous)', () => {
  const wrong = EXAMPLE.replace(/playwright\.config\.ts$/, 'wrong.config.ts');
  const host = ts.sys.readFile;
  const text = `import { url } from 'port-ledger';\nconst n: number = await url('web');\nexport default n;\n`;
  ts.sys.readFile = (path, encoding) => (path === wrong ? text : host(path, encoding));
  try {
    expect(diagnostics([wrong, STUB]).join('\n')).toMatch(
      /'string' is not assignable to type 'number'/,
    );
  } finally {
    ts.sys.readFile = host;
  }
});
