import { describe, expect, it } from 'vitest';
import { allocations } from '../../../src/core/model/registry.js';
import { parseRegistry, serializeRegistry } from '../../../src/core/store/registry-file.js';
import { errorLines } from '../../../src/view/errors.js';
import { thrown } from '../../helpers/errors.js';

const PATH = '/home/ana/.config/port-manager/registry.toml';
const GOOD = `version = 1

[defaults]
range_start = 3000
range_end = 9999
exclude = [5432, 6379]

[projects.shop]
path = "/home/ana/src/shop"

[projects.shop.ports]
web = 3000
api = 3001
`;

const refusal = (text: string) => thrown(() => parseRegistry(text, PATH));

describe('reading registry.toml', () => {
  it('reads the documented format', () => {
    const registry = parseRegistry(GOOD, PATH);
    expect(registry.defaults.range).toEqual({ start: 3000, end: 9999 });
    expect(registry.defaults.exclude).toEqual([5432, 6379]);
    expect(registry.projects.get('shop')?.path).toBe('/home/ana/src/shop');
    expect(allocations(registry).map((a) => [a.service, a.port])).toEqual([
      ['api', 3001],
      ['web', 3000],
    ]);
  });

  it('writes deterministic, sorted TOML that reads back the same', () => {
    const text = serializeRegistry(parseRegistry(GOOD, PATH));
    expect(text).toContain('[projects.shop.ports]\napi = 3001\nweb = 3000\n');
    expect(serializeRegistry(parseRegistry(text, PATH))).toBe(text);
  });

  it('keeps keys it does not know', () => {
    const text = `${GOOD}\n[projects.shop.env]\nNODE_ENV = "development"\n\n[plugins]\nenabled = true\n`;
    const round = serializeRegistry(parseRegistry(text, PATH));
    expect(round).toContain('[plugins]\nenabled = true');
    expect(round).toContain('NODE_ENV = "development"');
  });

  it('reads and writes worktree_of; a registry without it reads unchanged', () => {
    expect(parseRegistry(GOOD, PATH).projects.get('shop')?.worktreeOf).toBeUndefined();
    expect(serializeRegistry(parseRegistry(GOOD, PATH))).not.toContain('worktree_of');
    const text = `${GOOD}\n[projects.shop-feat]\npath = "/home/ana/src/shop-feat"\nworktree_of = "shop"\n`;
    const registry = parseRegistry(text, PATH);
    expect(registry.projects.get('shop-feat')).toMatchObject({ worktreeOf: 'shop', extra: {} });
    const written = serializeRegistry(registry);
    expect(written).toContain(
      '[projects.shop-feat]\npath = "/home/ana/src/shop-feat"\nworktree_of = "shop"\n',
    );
    expect(serializeRegistry(parseRegistry(written, PATH))).toBe(written);
  });

  it.each([
    ['worktree_of = 3', /projects\.w\.worktree_of is invalid: expected a project name, found 3/],
    ['worktree_of = "a b"', /projects\.w\.worktree_of is invalid: invalid project name/],
  ])('refuses %s', (line, problem) => {
    expect(refusal(`version = 1\n[projects.w]\n${line}\n`).message).toMatch(problem);
  });

  it('uses default settings when [defaults] is absent', () => {
    expect(parseRegistry('version = 1\n', PATH).defaults.range).toEqual({ start: 3000, end: 9999 });
  });

  it.each([
    ['zero bytes', '', /is empty \(0 bytes\)/],
    [
      'syntax error with line and column',
      'version = 1\n[projects.shop.ports]\nweb = = 3000\n',
      /registry\.toml:3:\d+ is invalid/,
    ],
    [
      'duplicate key',
      'version = 1\n[projects.shop.ports]\nweb = 3000\nweb = 3001\n',
      /registry\.toml:4:1 is invalid/,
    ],
    [
      'duplicate table',
      'version = 1\n[projects.shop]\n[projects.shop]\n',
      /registry\.toml:3:\d+ is invalid/,
    ],
    ['missing version', '[projects.shop.ports]\nweb = 3000\n', /at version is invalid: missing/],
    ['a newer version', 'version = 2\n', /unsupported version 2/],
    [
      'a port out of range',
      'version = 1\n[projects.shop.ports]\nweb = 70000\n',
      /at projects\.shop\.ports\.web is invalid: expected a port 1-65535, found 70000/,
    ],
    [
      'a port as a string',
      'version = 1\n[projects.shop.ports]\nweb = "3000"\n',
      /projects\.shop\.ports\.web .*found "3000"/,
    ],
    [
      'a port as a float',
      'version = 1\n[projects.shop.ports]\nweb = 3000.0\n',
      /found 3000 \(a float\)/,
    ],
    [
      'the same port twice',
      'version = 1\n[projects.a.ports]\nweb = 3000\n[projects.b.ports]\nweb = 3000\n',
      /port 3000 is also allocated to projects\.a\.ports\.web/,
    ],
    [
      'a name with a space',
      'version = 1\n[projects."my shop".ports]\nweb = 3000\n',
      /invalid project name/,
    ],
    [
      'an inverted range',
      'version = 1\n[defaults]\nrange_start = 5000\nrange_end = 4000\n',
      /range_start 5000 is greater than range_end 4000/,
    ],
    ['NUL bytes', '\0'.repeat(855), /registry\.toml:1:1 is invalid/],
    ['__proto__ key', 'version = 1\n__proto__ = 1\n', /registry .* is invalid/],
  ])('refuses %s with the path and where', (_name, text, pattern) => {
    const error = refusal(text);
    expect(error.code).toBe('REGISTRY_CORRUPT');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(PATH);
    expect(error.message).toMatch(pattern);
    expect(error.remedies).toEqual([{ kind: 'restore-backup' }]);
    // Control bytes from the file never reach the terminal (the error keeps them exact).
    expect(errorLines(error).join('\n')).not.toContain('\0');
  });
});
