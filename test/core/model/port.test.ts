import { describe, expect, it } from 'vitest';
import { parsePort, parsePortList, parseRange } from '../../../src/core/model/port.js';
import { thrown } from '../../helpers/errors.js';

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['3000', 3000],
    [':3000', 3000],
    [' 8080 ', 8080],
    ['65535', 65535],
  ])('accepts %j', (input, port) => {
    expect(parsePort(input)).toBe(port);
  });

  it.each(['0', '65536', 'abc', '', '-1', '3000.5', '1e3', '0x10', '3 000', '99999999'])(
    'rejects %j naming the rule',
    (input) => {
      const error = thrown(() => parsePort(input));
      expect(error.code).toBe('INVALID_PORT');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('1 to 65535');
    },
  );
});

describe('parseRange', () => {
  it('accepts START-END inclusive', () => {
    expect(parseRange('3000-3999')).toEqual({ start: 3000, end: 3999 });
    expect(parseRange('4000 - 4000')).toEqual({ start: 4000, end: 4000 });
  });

  it.each(['3000-2000', '3000-', '-3000', '0-10', '1-65536', 'a-b', '3000', '3000-4000-5000'])(
    'rejects %j',
    (input) => {
      const error = thrown(() => parseRange(input));
      expect(error.code).toBe('INVALID_RANGE');
      expect(error.message).toMatch(/START-END/);
    },
  );
});

describe('parsePortList', () => {
  it('sorts and de-duplicates', () => {
    expect(parsePortList('6379, 5432,6379')).toEqual([5432, 6379]);
    expect(parsePortList('')).toEqual([]);
  });
  it('rejects a bad member', () => {
    expect(thrown(() => parsePortList('5432,70000')).code).toBe('INVALID_PORT');
  });
});
