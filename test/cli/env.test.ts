import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

// In-process through main(): the files and the output are the point, not the process.

const RANGE = '28200-28249';
const tempDir = tempDirPerTest('pm-envcli-');

async function shop() {
  const path = join(tempDir(), 'registry.toml');
  const pm = (...args: string[]) => runMain(['--registry', path, ...args]);
  expect((await pm('config', '--range', RANGE)).code).toBe(0);
  const web = (await pm('allocate', 'shop', 'web')).stdout.trim();
  const api = (await pm('allocate', 'shop', 'api-gw')).stdout.trim();
  return { path, pm, web, api };
}

describe('pm env', () => {
  it('prints dotenv by default, shell and JSON on request, in a stable order', async () => {
    const { pm, web, api } = await shop();
    expect((await pm('env', 'shop')).stdout).toBe(
      `API_GW_PORT=${api}\nAPI_GW_URL=http://localhost:${api}\nWEB_PORT=${web}\nWEB_URL=http://localhost:${web}\n`,
    );
    expect((await pm('env', 'shop', '--format', 'shell')).stdout).toBe(
      `export API_GW_PORT=${api}\nexport API_GW_URL=http://localhost:${api}\nexport WEB_PORT=${web}\nexport WEB_URL=http://localhost:${web}\n`,
    );
    expect(JSON.parse((await pm('env', 'shop', '--format', 'json')).stdout)).toEqual({
      API_GW_PORT: Number(api),
      API_GW_URL: `http://localhost:${api}`,
      WEB_PORT: Number(web),
      WEB_URL: `http://localhost:${web}`,
    });
  });

  it('fails with exit 1 and a hint for a project without allocations', async () => {
    const { pm } = await shop();
    const result = await pm('env', 'blog');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/project 'blog' has no allocations\nhint: /);
  });

  it('refuses an unknown format and a non-dotenv file as usage errors', async () => {
    const { pm } = await shop();
    expect((await pm('env', 'shop', '--format', 'yaml')).code).toBe(2);
    expect((await pm('env', 'shop', '--format', 'json', '--write', 'x.env')).code).toBe(2);
  });

  it('keeps the block in a file: written once, then left alone, other lines untouched', async () => {
    const { path, web, api } = await shop();
    const dir = tempDir();
    const file = join(dir, '.env');
    writeFileSync(file, 'SECRET=abc\r\n# keep me\r\n');
    const first = await runMain(['--registry', path, 'env', 'shop', '--write', '.env'], {
      cwd: dir,
    });
    expect(first).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(file, 'utf8')).toBe(
      `SECRET=abc\r\n# keep me\r\n# >>> pm: shop >>>\r\nAPI_GW_PORT=${api}\r\nAPI_GW_URL=http://localhost:${api}\r\nWEB_PORT=${web}\r\nWEB_URL=http://localhost:${web}\r\n# <<< pm: shop <<<\r\n`,
    );
    const inode = statSync(file).ino;
    const again = await runMain(['--registry', path, 'env', 'shop', '--write', '.env'], {
      cwd: dir,
    });
    expect(again.stderr).toContain('not rewritten');
    expect(statSync(file).ino).toBe(inode);
  });

  it('refuses a damaged fence with exit 1 and leaves the file as it was', async () => {
    const { path } = await shop();
    const file = join(tempDir(), '.env');
    const damaged = 'A=1\n# >>> pm: shop >>>\nWEB_PORT=1\n';
    writeFileSync(file, damaged);
    const result = await runMain(['--registry', path, 'env', 'shop', '--write', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('never closed');
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it("gives the project of the recorded path it is run in, and '--' only to run", async () => {
    const { path, pm, web } = await shop();
    const dir = tempDir();
    await pm('allocate', 'blog', 'web', '--path', dir);
    const blog = (await pm('query', 'blog', 'web')).stdout.trim();
    expect((await runMain(['--registry', path, 'env'], { cwd: dir })).stdout).toBe(
      `WEB_PORT=${blog}\nWEB_URL=http://localhost:${blog}\n`,
    );
    expect(blog).not.toBe(web);
    expect((await pm('env', 'shop', '--', 'x')).code).toBe(2);
  });
});

describe("a manifest's env name", () => {
  it('is for pm run only: pm env and env() print the same wherever they run', async () => {
    const { path, pm, web, api } = await shop();
    const dir = tempDir();
    writeFileSync(
      join(dir, '.pm.toml'),
      'project = "shop"\n[services.web]\nenv = "PORT"\n[services.api-gw]\nenv = "GATEWAY_URL"\n',
    );
    const expected = `API_GW_PORT=${api}\nAPI_GW_URL=http://localhost:${api}\nWEB_PORT=${web}\nWEB_URL=http://localhost:${web}\n`;
    expect((await runMain(['--registry', path, 'env'], { cwd: dir })).stdout).toBe(expected);
    expect((await runMain(['--registry', path, 'env', 'shop'], { cwd: dir })).stdout).toBe(
      expected,
    );
    expect((await pm('env', 'shop')).stdout).toBe(expected);
    await runMain(['--registry', path, 'env', '--write', join(dir, '.env')], { cwd: dir });
    expect(readFileSync(join(dir, '.env'), 'utf8')).not.toMatch(/^(PORT|GATEWAY_URL)=/m);
    const { env } = await import('../../src/api/index.js');
    expect(await env({ registry: path, cwd: dir })).toEqual({
      API_GW_PORT: api,
      API_GW_URL: `http://localhost:${api}`,
      WEB_PORT: web,
      WEB_URL: `http://localhost:${web}`,
    });
  });
});

describe('pm env --write --json', () => {
  it('reports what it did as JSON, and writes NAME=value lines all the same', async () => {
    const { path, web } = await shop();
    const dir = tempDir();
    const first = await runMain(['--registry', path, 'env', 'shop', '--write', '.env', '--json'], {
      cwd: dir,
    });
    expect(JSON.parse(first.stdout)).toMatchObject({
      file: join(dir, '.env'),
      project: 'shop',
      outcome: 'created',
      variables: { WEB_PORT: Number(web), WEB_URL: `http://localhost:${web}` },
    });
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`WEB_PORT=${web}\n`);
  });
});
