// Every type a public signature uses can be named by the caller: a type that appears in the
// declarations of an export but is not exported itself is a leak (the caller gets values whose
// type it cannot write down). Exported or hidden, on purpose: this test makes it a decision.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const TYPES = fileURLToPath(new URL('../../dist/api/types/', import.meta.url));
const ENTRY = `${TYPES}index.d.ts`;

function leakedTypes(): Map<string, Set<string>> {
  const program = ts.createProgram([ENTRY], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    // Only pm's own declarations matter here: without @types/node and the DOM the check is
    // four times faster, and a Node type simply resolves to nothing (never a leak of ours).
    types: [],
    lib: ['lib.es2023.d.ts'],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const resolveAlias = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const entry = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  const exported = new Set(checker.getExportsOfModule(entry).map(resolveAlias));
  const leaks = new Map<string, Set<string>>();
  const visited = new Set<ts.Symbol>();

  const visitNode = (node: ts.Node, user: string): void => {
    const name = ts.isTypeReferenceNode(node)
      ? node.typeName
      : ts.isExpressionWithTypeArguments(node)
        ? node.expression
        : undefined;
    const found = name && checker.getSymbolAtLocation(name);
    const symbol = found && resolveAlias(found);
    const declaration = symbol?.declarations?.[0];
    const ours = declaration?.getSourceFile().fileName.startsWith(TYPES.replaceAll('\\', '/'));
    if (symbol && ours && !exported.has(symbol) && !(symbol.flags & ts.SymbolFlags.TypeParameter)) {
      leaks.set(symbol.name, (leaks.get(symbol.name) ?? new Set()).add(user));
      visitSymbol(symbol);
    }
    ts.forEachChild(node, (child) => visitNode(child, user));
  };
  const visitSymbol = (symbol: ts.Symbol): void => {
    if (visited.has(symbol)) return;
    visited.add(symbol);
    for (const declaration of symbol.declarations ?? []) visitNode(declaration, symbol.name);
  };
  for (const symbol of exported) visitSymbol(symbol);
  return leaks;
}

it('exports every type its public signatures use', () => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run 'npm run build'`);
  const leaks = [...leakedTypes()].map(
    ([name, users]) => `${name} (used by ${[...users].join(', ')})`,
  );
  expect(leaks).toEqual([]);
});
