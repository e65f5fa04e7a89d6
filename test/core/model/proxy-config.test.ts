// The names pm proxy serves and the configs it writes, as pure functions over a registry.
// Caddy itself checks the Caddyfile in test/e2e/proxy.test.ts (caddy validate); Traefik and
// nginx exports are compared with golden files (test/fixtures/proxy), and nginx -t runs on
// them when nginx is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROXY,
  distinctLabels,
  dnsLabel,
  exportCaddy,
  exportNginx,
  exportTraefik,
  proxyCaddyfile,
  proxyRoutes,
  proxyUrl,
} from '../../../src/core/model/proxy-config.js';
import { parseRegistry } from '../../../src/core/store/registry-file.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/proxy/${name}`, import.meta.url), 'utf8');

const REGISTRY = parseRegistry(
  `version = 1

[projects.shop.ports]
web = 3000
api = 3001

[projects.shop-feat]
worktree_of = "shop"

[projects.shop-feat.ports]
web = 3010

[projects.My_App.ports]
Front_End = 3020
`,
  'registry.toml',
);

describe('names', () => {
  it('keeps a name that already is a DNS label', () => {
    expect(dnsLabel('shop')).toBe('shop');
    expect(dnsLabel('api-gw')).toBe('api-gw');
    expect(dnsLabel('3d')).toBe('3d');
  });

  it('maps what a label cannot hold: case, "_", trailing "-", reserved "--", length', () => {
    expect(dnsLabel('My_App')).toBe('my-app');
    expect(dnsLabel('web_')).toBe('web');
    expect(dnsLabel('ab--cd')).toBe('ab-cd');
    const long = `a${'b'.repeat(63)}`;
    const label = dnsLabel(long);
    expect(label).toHaveLength(63);
    expect(label).toMatch(/^ab+-[0-9a-f]{8}$/);
    expect(dnsLabel(long)).toBe(label); // stable
  });

  it('every valid registry name becomes a valid label', () => {
    for (const name of ['a', 'A_', 'x__y', `Z${'_'.repeat(63)}`, '0-_-_', `${'9'.repeat(64)}`]) {
      expect(dnsLabel(name)).toMatch(LABEL);
    }
  });

  it('two names that map to one label never share it', () => {
    const labels = distinctLabels(['shop', 'Shop', 'SHOP_', 'other']);
    expect(labels.get('shop')).toBe('shop');
    expect(labels.get('other')).toBe('other');
    expect(labels.get('Shop')).toMatch(/^shop-[0-9a-f]{8}$/);
    expect(labels.get('SHOP_')).toMatch(/^shop-[0-9a-f]{8}$/);
    expect(new Set(labels.values()).size).toBe(4);
  });

  it('routes every allocation by <service>.<project>.localhost; a worktree by its own name', () => {
    expect(proxyRoutes(REGISTRY).map((route) => [route.host, route.port])).toEqual([
      ['front-end.my-app.localhost', 3020],
      ['api.shop.localhost', 3001],
      ['web.shop.localhost', 3000],
      ['web.shop-feat.localhost', 3010],
    ]);
  });

  it('URLs name the port unless it is the scheme’s own', () => {
    expect(proxyUrl('web.shop.localhost', DEFAULT_PROXY)).toBe('http://web.shop.localhost:1355');
    expect(proxyUrl('web.shop.localhost', { httpPort: 80 })).toBe('http://web.shop.localhost');
  });
});

describe('configs', () => {
  const routes = proxyRoutes(REGISTRY);

  it('the Caddyfile serves each name over HTTP and HTTPS on loopback, to both address families', () => {
    const text = proxyCaddyfile(routes, DEFAULT_PROXY);
    expect(text).toContain('admin 127.0.0.1:1357');
    expect(text).toContain('http_port 1355');
    expect(text).toContain('https_port 1356');
    expect(text).toContain('skip_install_trust');
    expect(text).toContain('http://web.shop.localhost, https://web.shop.localhost {');
    expect(text).toContain('reverse_proxy 127.0.0.1:3000 [::1]:3000 {');
    expect(text).toContain('tls internal');
    expect(text.match(/bind 127\.0\.0\.1 ::1/g)).toHaveLength(routes.length + 1);
  });

  it('the Caddy export is the site blocks only, for a user’s own Caddyfile', () => {
    const text = exportCaddy(routes);
    expect(text).not.toContain('admin ');
    expect(text).toContain('http://web.shop-feat.localhost, https://web.shop-feat.localhost {');
  });

  it('Traefik and nginx exports match their golden files', () => {
    expect(exportTraefik(routes)).toBe(fixture('traefik.yml'));
    expect(exportNginx(routes)).toBe(fixture('nginx.conf'));
  });

  it('an empty registry still gives configs that load', () => {
    expect(exportTraefik([])).toContain('routers: {}');
    expect(exportNginx([])).toContain('map $http_upgrade');
    expect(proxyCaddyfile([], DEFAULT_PROXY)).toContain('http:// {');
  });

  const nginx = spawnSync('nginx', ['-v']).error === undefined;
  it.runIf(nginx)('nginx -t accepts the nginx export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-nginx-'));
    writeFileSync(join(dir, 'pm.conf'), exportNginx(routes));
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log;`,
        'events {}',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (kind) => `  ${kind}_temp_path ${dir}/${kind};`,
        ),
        `  include ${dir}/pm.conf;`,
        '}',
      ].join('\n'),
    );
    execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')]);
  });
});
