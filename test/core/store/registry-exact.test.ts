// Unknown keys round-trip exactly: value, precision, sign and type. Only the spelling may
// change, where TOML has two for one value: hex/octal/binary integers are written in decimal,
// inline tables as sub-tables, and key order and whitespace are pm's own. Before issue 9,
// 07:32:00.999999 came back as 07:32:00.999 and -0.0 as 0.0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRegistry, serializeRegistry } from '../../../src/core/store/registry-file.js';

const PATH = '/r.toml';
const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const fraction = fc.stringMatching(/^[0-9]{1,9}$/);
const time = fc
  .tuple(two(23), two(59), two(59), fc.option(fraction, { nil: undefined }))
  .map(([h, m, s, f]) => `${h}:${m}:${s}${f === undefined ? '' : `.${f}`}`);
const date = fc
  .tuple(
    fc.integer({ min: 1000, max: 9999 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
  )
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const offset = fc.oneof(
  fc.constant('Z'),
  fc.tuple(fc.constantFrom('+', '-'), two(23), two(59)).map(([s, h, m]) => `${s}${h}:${m}`),
);

/** A TOML literal and how it is allowed to be written back (its exact text unless noted). */
const literal: fc.Arbitrary<{ text: string; written?: string }> = fc.oneof(
  time.map((text) => ({ text })),
  fc.tuple(date, time).map(([d, t]) => ({ text: `${d}T${t}` })),
  fc.tuple(date, time, offset).map(([d, t, o]) => ({ text: `${d}T${t}${o}` })),
  date.map((text) => ({ text })),
  fc
    .constantFrom('-0.0', '0.0', '1.5', '-0.0000225', 'inf', '-inf', 'nan', 'true')
    .map((text) => ({ text })),
  fc
    .integer({ min: 0, max: 0xffffff })
    .map((n) => ({ text: `0x${n.toString(16)}`, written: String(n) })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ text: String(n) })),
);

describe('unknown keys round-trip exactly', () => {
  it('times to the nanosecond, -0.0, floats, dates: the same text back; hex as decimal', () => {
    fc.assert(
      fc.property(
        fc.array(literal, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (values, inline) => {
          const lines = values.map((value, i) => `k${i} = ${value.text}`);
          const body = inline ? `[x]\nt = { ${lines.join(', ')} }\n` : `[x]\n${lines.join('\n')}\n`;
          const text = `version = 1\n\n${body}`;
          const written = serializeRegistry(parseRegistry(text, PATH));
          for (const [i, value] of values.entries()) {
            expect(written).toContain(`k${i} = ${value.written ?? value.text}\n`);
          }
          // Writing what was written changes nothing: a second rewrite is byte-identical.
          expect(serializeRegistry(parseRegistry(written, PATH))).toBe(written);
          // Inline tables come back as sub-tables (same value, another spelling).
          if (inline) expect(written).toContain('[x.t]');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the sign of -0.0 inside arrays and the precision of a time next to a look-alike string', () => {
    const text =
      'version = 1\n\n[x]\na = [ -0.0, 07:32:00.999999 ]\ns = "07:32:00.999999"\nt = 07:32:00.999999\n';
    const written = serializeRegistry(parseRegistry(text, PATH));
    expect(written).toContain('a = [ -0.0, 07:32:00.999999 ]');
    expect(written).toContain('s = "07:32:00.999999"');
    expect(written).toContain('t = 07:32:00.999999');
  });
});
