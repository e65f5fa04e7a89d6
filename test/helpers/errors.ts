import { expect } from 'vitest';
import { PmError } from '../../src/core/errors.js';

/** The PmError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<PmError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PmError);
  return error as PmError;
}

/** The PmError a function throws; fails the test if it returns or throws something else. */
export function thrown(fn: () => unknown): PmError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PmError);
    return error as PmError;
  }
  throw new Error('expected a PmError, but nothing was thrown');
}
