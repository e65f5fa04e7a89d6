// isPmError is a brand check: an error from another copy of the module (another bundle, a
// dependency's own port-ledger) is still recognised, where instanceof says no.
import { expect, it } from 'vitest';
import { isPmError, PmError } from '../../src/core/errors.js';

it('recognises a PmError made by another copy of the module', async () => {
  const other = (await import(
    // A query string makes a second, separate instance of the module.
    '../../src/core/errors.js?another-copy' as string
  )) as typeof import('../../src/core/errors.js');
  const foreign = new other.PmError('IO', 'disk full');
  expect(foreign instanceof PmError).toBe(false);
  expect(isPmError(foreign)).toBe(true);
  expect(isPmError(new PmError('IO', 'x'))).toBe(true);
  expect(Object.getOwnPropertySymbols(new PmError('IO', 'x'))).toEqual([]);
});

it('refuses what is not a PmError', () => {
  expect(isPmError(new Error('plain'))).toBe(false);
  expect(isPmError({ code: 'IO', message: 'look-alike' })).toBe(false);
  expect(isPmError(undefined)).toBe(false);
  expect(isPmError('PmError')).toBe(false);
});
