import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_SERVICES, parseManifest } from '../../src/core/project/manifest.js';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 15: a manifest with 6,800 services allocated the whole range.

const tempDir = tempDirPerTest('pm-sec-cap-');
const services = (n: number) => Array.from({ length: n }, (_, i) => `[services.s${i}]\n`).join('');

describe('services per manifest', () => {
  it('refuses more than the documented cap, naming it, before allocating anything', async () => {
    const repo = hostileRepo(tempDir(), { '.pm.toml': `project = "greedy"\n${services(6800)}` });
    const result = await repo.pm(['up']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('6800 services');
    expect(result.stderr).toContain(`at most ${MAX_SERVICES}`);
    expect(existsSync(repo.registry)).toBe(false);
  });

  it('counts the local override too, and accepts exactly the cap', () => {
    const file = '/src/x/.pm.toml';
    expect(MAX_SERVICES).toBe(200);
    expect(parseManifest({ file, text: services(200) }).services).toHaveLength(200);
    expect(() =>
      parseManifest(
        { file, text: services(200) },
        { file: '/src/x/.pm.local.toml', text: '[services.extra]\n' },
      ),
    ).toThrow(/201 services/);
  });
});
