import { describe, expect, it } from 'vitest';
import { displayPath } from '../../../src/dashboard/terminal/run-dashboard.js';

describe('the registry path in the header', () => {
  it('abbreviates the home directory to ~', ({ skip }) => {
    skip(process.platform === 'win32', 'POSIX only: the paths are POSIX paths');
    expect(displayPath('/home/ana/.config/port-manager/registry.toml', '/home/ana')).toBe(
      '~/.config/port-manager/registry.toml',
    );
    expect(displayPath('/home/anabel/registry.toml', '/home/ana')).toBe(
      '/home/anabel/registry.toml',
    );
    expect(displayPath('/srv/registry.toml', '/')).toBe('/srv/registry.toml');
  });
});
