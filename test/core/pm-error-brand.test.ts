// Two copies of core/errors.ts (the CLI's bundle and the dashboard's, or the package installed
// twice) make two PmError classes: each must recognise the other's errors.
import { expect, it } from 'vitest';
import { isPmError, PmError } from '../../src/core/errors.js';

it('recognises a PmError made by a second copy of the module, both ways', async () => {
  // A query string makes the module loader evaluate the file again: a real second copy.
  const copy = (await import(
    // @ts-expect-error the query string is for the loader; the module is errors.ts
    '../../src/core/errors.ts?second-copy'
  )) as typeof import('../../src/core/errors.js');
  expect(copy.PmError).not.toBe(PmError);
  const theirs = new copy.PmError('NO_PROJECT', 'from the other copy');
  const ours = new PmError('NO_PROJECT', 'from this copy');
  expect(isPmError(theirs)).toBe(true);
  expect(copy.isPmError(ours)).toBe(true);
  expect(theirs instanceof PmError).toBe(true);
  expect(ours instanceof copy.PmError).toBe(true);
});

it('is not fooled by an Error, a plain object or a look-alike', () => {
  expect(isPmError(new Error('x'))).toBe(false);
  expect(isPmError({ name: 'PmError', code: 'NO_PROJECT' })).toBe(false);
  expect(isPmError(null)).toBe(false);
  expect(isPmError('PmError')).toBe(false);
  expect(new Error('x') instanceof PmError).toBe(false);
});
