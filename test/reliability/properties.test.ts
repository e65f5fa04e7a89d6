// Must hold (fast-check): serialise then parse is the identity for any valid registry; parsing
// arbitrary bytes, every prefix of a valid file and single-byte mutations yields a registry or a
// PmError, never another exception, and never hangs (deep nesting, huge files). And whatever
// parses can be written back: a registry pm accepts never makes its next write crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PmError } from '../../src/core/errors.js';
import type { Project, Registry } from '../../src/core/model/registry.js';
import { parseRegistry, serializeRegistry } from '../../src/core/store/registry-file.js';

const PATH = '/home/ana/.config/port-manager/registry.toml';

// --- generators -----------------------------------------------------------------------------

const nameArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
const portArb = fc.integer({ min: 1, max: 65535 });
/**
 * Any Unicode text: control characters, NUL, quotes, backslashes, newlines, any plane (no lone
 * surrogates, which UTF-8 cannot hold). Built from code points: fc.string's 'binary' unit is
 * about 15x slower.
 */
const codePointArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x7f }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0x10ffff }) },
);
const textArb = fc
  .array(codePointArb, { maxLength: 40 })
  .map((points) => String.fromCodePoint(...points));
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function extraArb(reserved: readonly string[]) {
  const key = fc
    .stringMatching(/^[a-z][a-z0-9_]{0,10}$/)
    .filter((k) => !reserved.includes(k) && !UNSAFE_KEYS.has(k));
  const scalar = fc.oneof(
    textArb,
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    // TOML floats are JS numbers here (integers are bigints); whole ones like 3000.0 included.
    fc.double(),
    fc.integer({ min: -1e6, max: 1e6 }),
  );
  const value = fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(fc.bigInt({ min: -1000n, max: 1000n }), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(key, scalar, { maxKeys: 3 }) },
  );
  return fc.dictionary(key, value, { maxKeys: 3 });
}

const MAX_PROJECTS = 8;
const MAX_SERVICES = 5;

// No fc.chain: it made generation about 50x slower. A pool of distinct ports is drawn up front
// and handed to the services in order.
const registryArb: fc.Arbitrary<Registry> = fc
  .record({
    projects: fc.uniqueArray(
      fc.record({
        name: nameArb,
        path: fc.option(textArb, { nil: undefined }),
        services: fc.uniqueArray(nameArb, { maxLength: MAX_SERVICES }),
        extra: extraArb(['path', 'ports']),
      }),
      { maxLength: MAX_PROJECTS, selector: (project) => project.name },
    ),
    ports: fc.uniqueArray(portArb, {
      minLength: MAX_PROJECTS * MAX_SERVICES,
      maxLength: MAX_PROJECTS * MAX_SERVICES,
    }),
    range: fc
      .tuple(portArb, portArb)
      .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) })),
    exclude: fc
      .uniqueArray(portArb, { maxLength: 5 })
      .map((ports) => [...ports].sort((a, b) => a - b)),
    defaultsExtra: extraArb(['range_start', 'range_end', 'exclude']),
    extra: extraArb(['version', 'defaults', 'projects']),
  })
  .map((drawn): Registry => {
    let next = 0;
    const projects = new Map<string, Project>();
    for (const p of drawn.projects) {
      projects.set(p.name, {
        ...(p.path !== undefined ? { path: p.path } : {}),
        ports: new Map(p.services.map((service) => [service, drawn.ports[next++]!])),
        extra: p.extra,
      });
    }
    return {
      version: 1,
      defaults: { range: drawn.range, exclude: drawn.exclude, extra: drawn.defaultsExtra },
      projects,
      extra: drawn.extra,
    };
  });

// --- the outcome every input must have --------------------------------------------------------

type Outcome =
  | { readonly kind: 'registry'; readonly registry: Registry }
  | { readonly kind: 'refused' };

/** Parses; any exception other than pm's own REGISTRY_CORRUPT fails the property. */
function outcome(text: string): Outcome {
  let registry: Registry;
  try {
    registry = parseRegistry(text, PATH);
  } catch (error) {
    if (error instanceof PmError && error.code === 'REGISTRY_CORRUPT') {
      expect(error.message.startsWith(`registry ${PATH}`)).toBe(true);
      return { kind: 'refused' };
    }
    throw error;
  }
  // Accepted means pm can write it back: the next change must not crash on it.
  const written = serializeRegistry(registry);
  expect(parseRegistry(written, PATH)).toEqual(registry);
  return { kind: 'registry', registry };
}

const VALID_FILE = serializeRegistry({
  version: 1,
  defaults: { range: { start: 3000, end: 9999 }, exclude: [5432, 6379], extra: {} },
  projects: new Map(
    Array.from({ length: 20 }, (_, i): [string, Project] => [
      `project-${i}`,
      {
        ...(i % 3 === 0 ? { path: `/home/ana/src/prøject ${i} "quoted" ✓` } : {}),
        ports: new Map([
          ['web', 3000 + i * 2],
          ['api', 3001 + i * 2],
        ]),
        extra: i % 5 === 0 ? { note: `line one\nline two ${i}` } : {},
      },
    ]),
  ),
  extra: {},
});

/** Fragments of registry-like TOML: random soups of them reach far deeper than random bytes. */
const tokenSoupArb = fc
  .array(
    fc.constantFrom(
      'version',
      ' = ',
      '1',
      '2',
      '\n',
      ' ',
      '[',
      ']',
      '[[',
      ']]',
      '.',
      'projects',
      'shop',
      'ports',
      'web',
      'defaults',
      'range_start',
      'range_end',
      'exclude',
      'path',
      '3000',
      '70000',
      '-1',
      '3000.0',
      '0x10',
      '"',
      "'",
      '"""',
      '\\',
      '{',
      '}',
      ',',
      '#',
      'true',
      '1979-05-27T07:32:00Z',
      'nan',
      'inf',
      '__proto__',
      '\0',
      '\u{1F600}',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

// TOML has one zero: `-0.0` reads back as 0. Everything else compares exactly (NaN equals NaN).
expect.addEqualityTesters([
  (a: unknown, b: unknown) =>
    typeof a === 'number' && typeof b === 'number'
      ? a === b || (Number.isNaN(a) && Number.isNaN(b))
      : undefined,
]);

// --- properties -------------------------------------------------------------------------------

describe('registry file properties', () => {
  it('serialise then parse is the identity, and serialising is deterministic', () => {
    fc.assert(
      fc.property(registryArb, (registry) => {
        const text = serializeRegistry(registry);
        const parsed = parseRegistry(text, PATH);
        expect(parsed).toEqual(registry);
        expect(serializeRegistry(parsed)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary text, bytes and token soups yield a registry or a PmError, nothing else', () => {
    const counts = { registry: 0, refused: 0 };
    const count = (o: Outcome) => {
      counts[o.kind]++;
    };
    fc.assert(
      fc.property(fc.array(codePointArb, { maxLength: 300 }), (points) =>
        count(outcome(String.fromCodePoint(...points))),
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
        count(outcome(Buffer.from(bytes).toString('utf8'))),
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(tokenSoupArb, (text) => count(outcome(text))),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(tokenSoupArb, (text) => count(outcome(`version = 1\n${text}`))),
      { numRuns: 3000 },
    );
    console.info(
      `[properties] random inputs: ${counts.registry} accepted, ${counts.refused} refused`,
    );
    expect(counts.refused).toBeGreaterThan(0);
  });

  it('every byte prefix of a valid registry yields a registry or a PmError', () => {
    const bytes = Buffer.from(VALID_FILE, 'utf8');
    let accepted = 0;
    for (let length = 0; length <= bytes.length; length++) {
      const result = outcome(bytes.subarray(0, length).toString('utf8'));
      if (result.kind === 'registry') accepted++;
    }
    // Not a promise, a fact to know: a prefix ending at a line boundary is valid TOML with
    // entries missing. pm relies on atomic replacement so that it never writes one.
    console.info(
      `[properties] ${bytes.length + 1} prefixes, ${accepted} parse as (incomplete) registries`,
    );
    expect(outcome(VALID_FILE).kind).toBe('registry');
  });

  it('single-byte mutations of a valid registry yield a registry or a PmError', () => {
    const bytes = Buffer.from(VALID_FILE, 'utf8');
    fc.assert(
      fc.property(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (index, byte) => {
          const mutated = Buffer.from(bytes);
          mutated[index] = byte;
          outcome(mutated.toString('utf8'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['2000 nested arrays', `version = 1\nx = ${'['.repeat(2000)}${']'.repeat(2000)}\n`],
    ['2000 unclosed [', '['.repeat(2000)],
    [
      '2000 nested inline tables',
      `version = 1\nx = ${'{ a = '.repeat(2000)}1${' }'.repeat(2000)}\n`,
    ],
    ['a dotted key 20000 levels deep', `version = 1\n${'a.'.repeat(20000)}a = 1\n`],
    ['a table header 20000 levels deep', `version = 1\n[${'a.'.repeat(20000)}a]\n`],
    ['200k comment lines', `${'# a comment\n'.repeat(200_000)}version = 1\n`],
    [
      '200k comment lines inside a project table',
      `version = 1\n[projects.shop.ports]\n${'#\n'.repeat(200_000)}web = 3000\n`,
    ],
    ['a 5 MB string', `version = 1\nnote = "${'x'.repeat(5_000_000)}"\n`],
    [
      '50k keys',
      `version = 1\n[big]\n${Array.from({ length: 50_000 }, (_, i) => `k${i} = ${i}`).join('\n')}\n`,
    ],
    ['__proto__ keys', 'version = 1\n[projects.__proto__.ports]\nweb = 3000\n'],
  ])('%s: completes with a registry or a PmError', (_name, text) => {
    // The time budget is the test timeout; what matters is no crash (stack overflow) and no hang.
    const result = outcome(text);
    expect(['registry', 'refused']).toContain(result.kind);
  });
});
