import { describe, expect, it } from 'vitest';
import { PmError } from '../../../src/core/errors.js';
import { parseName } from '../../../src/core/model/names.js';

describe('project and service names', () => {
  it.each(['shop', 'api-v2', 'worker_1', '9lives', 'A', 'x'.repeat(64)])('accepts %j', (name) => {
    expect(parseName(name, 'project')).toBe(name);
  });

  it.each([
    '',
    'my shop',
    'shop.web', // a dot would become a nested TOML key
    '"quoted"',
    "it's",
    '[x]',
    'a]b',
    'line\nbreak',
    'tab\there',
    '-leading',
    '_leading',
    'café',
    '🚀',
    'x'.repeat(65),
    'a=b',
    '#comment',
  ])('rejects %j with the rule', (name) => {
    let error: unknown;
    try {
      parseName(name, 'service');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PmError);
    const pm = error as PmError;
    expect(pm.code).toBe('INVALID_NAME');
    expect(pm.exitCode).toBe(2);
    expect(pm.message).toContain('invalid service name');
    expect(pm.message).not.toContain('\n');
    expect(pm.remedies).toEqual([{ kind: 'name-rule' }]);
  });
});
