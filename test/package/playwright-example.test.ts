// docs/examples/playwright.config.ts compiles against the package's published declarations
// (dist/api/types, resolved as `port-ledger`) and a stub of Playwright's config type: if url()
// changed its signature, or the example drifted from the API, this fails. TypeScript 7 ships
// only its compiler, not the JavaScript API, so the check runs `tsc` on a generated project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const EXAMPLE = root('docs/examples/playwright.config.ts');
const STUB = root('test/package/playwright-stub.d.ts');
const TYPES = root('dist/api/types/index.d.ts');
const TSC = root('node_modules/typescript/bin/tsc');

/** tsc's diagnostics for `files`, as a Playwright project with port-ledger installed sees them. */
function diagnostics(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pm-playwright-'));
  try {
    const config = {
      compilerOptions: {
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2022',
        strict: true,
        noEmit: true,
        // `process.env.CI` in the example: Node's types, as a Playwright project has them.
        types: ['node'],
        typeRoots: [root('node_modules/@types')],
        lib: ['es2023'],
        paths: { 'port-ledger': [TYPES] },
      },
      files,
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const result = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    return `${result.stdout}${result.stderr}`.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('type-checks the Playwright example against the package types', () => {
  if (!existsSync(TYPES)) throw new Error(`${TYPES} is missing: run 'npm run build'`);
  expect(diagnostics([EXAMPLE, STUB])).toBe('');
});

it('would catch a wrong use (the check is not vacuous)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-playwright-wrong-'));
  try {
    const wrong = join(dir, 'wrong.config.ts');
    writeFileSync(
      wrong,
      `import { url } from 'port-ledger';\nconst n: number = await url('web');\nexport default n;\n`,
    );
    expect(diagnostics([wrong, STUB])).toMatch(/'string' is not assignable to type 'number'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
