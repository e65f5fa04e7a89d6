import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultEnvName,
  findManifestFile,
  loadManifest,
  parseManifest,
} from '../../../src/core/project/manifest.js';
import { thrown } from '../../helpers/errors.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-manifest-');
const parse = (text: string, local?: string) =>
  parseManifest(
    { file: '/src/shop/.pm.toml', text },
    local === undefined ? undefined : { file: '/src/shop/.pm.local.toml', text: local },
  );

describe('parseManifest', () => {
  it('reads the project, services, env names and preferred ports', () => {
    const manifest = parse(
      'project = "shop"\n[services.web]\nenv = "PORT"\nprefer = 3000\n[services.api-v2]\n',
    );
    expect(manifest).toEqual({
      file: '/src/shop/.pm.toml',
      dir: '/src/shop',
      project: 'shop',
      services: [
        { service: 'api-v2', env: 'API_V2_PORT' },
        { service: 'web', env: 'PORT', prefer: 3000 },
      ],
    });
  });

  it('accepts an empty file: no project name, no services', () => {
    expect(parse('')).toEqual({ file: '/src/shop/.pm.toml', dir: '/src/shop', services: [] });
  });

  it('names file:line:col for broken TOML', () => {
    const error = thrown(() => parse('project = "shop"\n[services.web\n'));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^manifest \/src\/shop\/\.pm\.toml:2:\d+ is invalid/);
  });

  it.each([
    ['project = "my shop"', 'project', /invalid project name "my shop"/],
    ['project = 3', 'project', /expected a name in quotes, found 3/],
    ['name = "shop"', 'name', /unknown key; the file takes only 'project' and 'services'/],
    ['[services.web]\nport = 3000', 'services.web.port', /unknown key; a service takes only/],
    [
      '[services.web]\nprefer = 70000',
      'services.web.prefer',
      /expected a port 1-65535, found 70000/,
    ],
    ['[services.web]\nprefer = 3000.0', 'services.web.prefer', /found 3000 \(a float\)/],
    ['[services.web]\nprefer = "3000"', 'services.web.prefer', /found "3000"/],
    ['[services.web]\nenv = "1PORT"', 'services.web.env', /expected a variable name/],
    ['[services.web]\nenv = "MY-PORT"', 'services.web.env', /expected a variable name/],
    ['[services.web]\nenv = "PATH"', 'services.web.env', /"PATH" is not a port variable/],
    ['[services.web]\nenv = "_PORT"', 'services.web.env', /is not a port variable/],
    ['services = 1', 'services', /expected tables like \[services\.web\]/],
    ['services.web = 1', 'services.web', /expected a table/],
    ['[services."a.b"]', 'services.a.b', /invalid service name/],
    [
      '[services.a]\nenv = "X_PORT"\n[services.b]\nenv = "X_PORT"',
      'services.b.env',
      /X_PORT is already the variable of service 'a'/,
    ],
  ])('refuses %j, naming %s', (text, keyPath, problem) => {
    const error = thrown(() => parse(text));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toContain(`.pm.toml at ${keyPath} is invalid`);
    expect(error.message).toMatch(problem);
  });

  it('lets the local file override key by key, and add services', () => {
    const manifest = parse(
      'project = "shop"\n[services.web]\nenv = "PORT"\nprefer = 3000\n[services.api]\n',
      'project = "shop-ana"\n[services.web]\nprefer = 5000\n[services.db]\nprefer = 5432\n',
    );
    expect(manifest.project).toBe('shop-ana');
    expect(manifest.localFile).toBe('/src/shop/.pm.local.toml');
    expect(manifest.services).toEqual([
      { service: 'api', env: 'API_PORT' },
      { service: 'db', env: 'DB_PORT', prefer: 5432 },
      { service: 'web', env: 'PORT', prefer: 5000 },
    ]);
  });

  it('blames the local file for its own mistakes', () => {
    const error = thrown(() => parse('[services.web]\n', '[services.web]\nprefer = 0\n'));
    expect(error.message).toContain('.pm.local.toml at services.web.prefer is invalid');
  });

  it('derives the default variable name: upper case, "-" becomes "_"', () => {
    expect(defaultEnvName('web')).toBe('WEB_PORT');
    expect(defaultEnvName('api-v2_x')).toBe('API_V2_X_PORT');
  });
});

describe('loadManifest', () => {
  it('finds the nearest .pm.toml in the directory or above, with its local override', () => {
    const root = tempDir();
    mkdirSync(join(root, 'shop', 'src', 'deep'), { recursive: true });
    writeFileSync(join(root, '.pm.toml'), 'project = "outer"\n');
    writeFileSync(join(root, 'shop', '.pm.toml'), 'project = "shop"\n[services.web]\n');
    writeFileSync(join(root, 'shop', '.pm.local.toml'), '[services.web]\nprefer = 4100\n');
    const manifest = loadManifest(join(root, 'shop', 'src', 'deep'));
    expect(manifest).toMatchObject({
      dir: join(root, 'shop'),
      project: 'shop',
      services: [{ service: 'web', env: 'WEB_PORT', prefer: 4100 }],
    });
    expect(loadManifest(root)?.project).toBe('outer');
  });

  it('is undefined when there is none', () => {
    const dir = tempDir();
    expect(findManifestFile(dir)).toBeUndefined();
    expect(loadManifest(dir)).toBeUndefined();
  });

  it('refuses a FIFO named .pm.toml at once instead of blocking on it', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, '.pm.toml')]);
    // A blocking read would never return here: no process ever writes to this FIFO.
    const error = thrown(() => loadManifest(dir));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toMatch(/not a regular file/);
  });

  it('refuses a FIFO named .pm.local.toml too', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.pm.toml'), '[services.web]\n');
    execFileSync('mkfifo', [join(dir, '.pm.local.toml')]);
    expect(thrown(() => loadManifest(dir)).message).toMatch(
      /\.pm\.local\.toml is invalid: .*not a regular file/,
    );
  });

  it('refuses a directory named .pm.toml', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.pm.toml'));
    expect(thrown(() => loadManifest(dir)).code).toBe('MANIFEST_INVALID');
  });
});
