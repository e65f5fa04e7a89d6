import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderStatusTable } from '../../src/commands/status.js';
import { statusView } from '../../src/core/actions/index.js';
import { emptyRegistry, withAllocation } from '../../src/core/model/registry.js';
import { visibleLength } from '../../src/view/ansi.js';
import { sanitize } from '../../src/view/sanitize.js';
import { createStyle } from '../../src/view/style.js';
import { fakeScanner, tcp } from '../helpers/fakes.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes pm writes itself
const PM_SGR = /\u001b\[(?:1|2|22|31|32|33|36|39)m/g;

describe('sanitize', () => {
  it('shows C0, C1, DEL and ESC as escapes and leaves other text alone', () => {
    expect(sanitize('\u001b]0;PWNED\u0007\u001b[31mev')).toBe('\\x1b]0;PWNED\\x07\\x1b[31mev');
    expect(sanitize('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(sanitize('\u007f\u0080\u009b\u0000')).toBe('\\x7f\\x80\\x9b\\x00');
    expect(sanitize('node — café 東京')).toBe('node — café 東京');
  });

  it('never lets a control character through, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = sanitize(text);
        expect(shown).not.toMatch(CONTROL);
        expect(sanitize(shown)).toBe(shown);
      }),
    );
  });
});

/** Any text at all: control-heavy strings as well as arbitrary Unicode. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('\u001b', '[', ']', '\u0007', '\n', '\r', '\u009b', '0', ';', 'm', 'a'),
    minLength: 1,
    maxLength: 30,
  }),
);

describe('the rendered status table over arbitrary foreign strings', () => {
  const render = (
    project: string,
    service: string,
    process: string,
    address: string,
    color: boolean,
    width: number,
  ) => {
    const registry = withAllocation(emptyRegistry(), project, service, 3000);
    const listeners = [tcp(3000, 4242, process, address), tcp(4000, 99, process, address)];
    const view = statusView({ scanner: fakeScanner(listeners) }, registry, {
      ok: true,
      listeners,
    });
    return renderStatusTable(view, createStyle(color), true, width);
  };
  // Below about 31 columns even PORT, STATE and the shortest names do not fit.
  const width = fc.oneof(fc.integer({ min: 40, max: 200 }), fc.constant(Number.POSITIVE_INFINITY));

  it('holds no control byte but the colour codes pm writes, one line per row, within the width', () => {
    fc.assert(
      fc.property(
        hostile,
        hostile,
        hostile,
        hostile,
        width,
        (project, service, process, address, w) => {
          const text = render(project, service, process, address, true, w);
          const lines = text.split('\n');
          expect(lines).toHaveLength(3); // title, the allocation, the unmanaged listener
          for (const line of lines) {
            expect(line.replace(PM_SGR, '')).not.toMatch(CONTROL);
            if (Number.isFinite(w)) expect(visibleLength(line)).toBeLessThanOrEqual(w);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds no control byte at all with colour off', () => {
    fc.assert(
      fc.property(
        hostile,
        hostile,
        hostile,
        hostile,
        width,
        (project, service, process, address, w) => {
          const text = render(project, service, process, address, false, w);
          expect(text.split('\n')).toHaveLength(3);
          expect(text.replaceAll('\n', '')).not.toMatch(CONTROL);
        },
      ),
      { numRuns: 200 },
    );
  });
});
