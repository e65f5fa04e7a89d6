// Names instead of numbers (DESIGN §5f): every allocation as `<service>.<project>.localhost`,
// and the proxy configurations that serve those names. Pure: the registry in, text out.
//
// Registry names allow "_", upper case and 64 characters; a DNS label allows none of that.
// The mapping (docs/proxy.md, "Names"), applied to the project and the service separately:
//  1. lower case, every character but a-z, 0-9 and "-" becomes "-", trailing "-" go;
//  2. "--" in the third and fourth place (reserved for xn-- punycode labels) becomes "-";
//  3. a label over 63 characters keeps 54 and gets "-" and 8 hex digits of the name's hash;
//  4. two names that map to the same label: the one already equal to it keeps it, each other
//     gets "-" and its hash, so no name ever routes to another's port.
import { compareNames } from './names.js';
import type { Port } from './port.js';
import { allocations, type Registry } from './registry.js';

export interface ProxyRoute {
  /** `web.shop.localhost`: the name a browser asks for. */
  readonly host: string;
  readonly project: string;
  readonly service: string;
  readonly port: Port;
}

/** Where a running `pm proxy` listens (what its URLs need). */
export interface ProxyEndpoint {
  readonly httpPort: Port;
  readonly httpsPort: Port;
  /** host:port of Caddy's admin API, on loopback. */
  readonly admin: string;
}

export const DEFAULT_PROXY: ProxyEndpoint = {
  httpPort: 1355,
  httpsPort: 1356,
  // Not Caddy's own 2019: a user's own Caddy keeps its admin address, and `pm proxy` never
  // loads its config into somebody else's Caddy.
  admin: '127.0.0.1:1357',
};

const MAX_LABEL = 63;
const HASHED_KEEP = MAX_LABEL - 9;
const TOP_LEVEL = 'localhost';

/** FNV-1a, 32 bits: stable across runs and machines, no crypto import. */
function nameHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function trimHyphens(text: string): string {
  return text.replace(/^-+/, '').replace(/-+$/, '');
}

function withHash(label: string, name: string): string {
  const kept = trimHyphens(label.slice(0, HASHED_KEEP));
  return kept === '' ? `x-${nameHash(name)}` : `${kept}-${nameHash(name)}`;
}

/** Rules 1-3 of the mapping: one name as a DNS label, before collisions are looked at. */
export function dnsLabel(name: string): string {
  let label = trimHyphens(name.toLowerCase().replace(/[^a-z0-9-]/g, '-'));
  while (label.slice(2, 4) === '--') label = `${label.slice(0, 2)}-${label.slice(4)}`;
  if (label === '') return withHash('', name);
  return label.length > MAX_LABEL ? withHash(label, name) : label;
}

/** Rule 4: labels for a set of names (one scope), distinct whatever the names are. */
export function distinctLabels(names: readonly string[]): Map<string, string> {
  const byLabel = new Map<string, string[]>();
  for (const name of names) {
    const label = dnsLabel(name);
    byLabel.set(label, [...(byLabel.get(label) ?? []), name]);
  }
  const labels = new Map<string, string>();
  for (const [label, group] of byLabel) {
    for (const name of group) {
      const keeps = group.length === 1 || name === label;
      labels.set(name, keeps ? label : withHash(label, name));
    }
  }
  return labels;
}

/** Every allocation with its name, in the registry's order (project, then service). */
export function proxyRoutes(registry: Registry): ProxyRoute[] {
  const rows = allocations(registry);
  const projectLabels = distinctLabels([...registry.projects.keys()]);
  const serviceLabels = new Map<string, Map<string, string>>();
  for (const [project, entry] of registry.projects) {
    serviceLabels.set(project, distinctLabels([...entry.ports.keys()]));
  }
  return rows.map(({ project, service, port }) => ({
    host: `${serviceLabels.get(project)?.get(service)}.${projectLabels.get(project)}.${TOP_LEVEL}`,
    project,
    service,
    port,
  }));
}

/** The URL a browser or a sibling service uses while `pm proxy` runs: plain HTTP, see docs. */
export function proxyUrl(host: string, endpoint: Pick<ProxyEndpoint, 'httpPort'>): string {
  return endpoint.httpPort === 80 ? `http://${host}` : `http://${host}:${endpoint.httpPort}`;
}

export function proxyHttpsUrl(host: string, endpoint: Pick<ProxyEndpoint, 'httpsPort'>): string {
  return endpoint.httpsPort === 443 ? `https://${host}` : `https://${host}:${endpoint.httpsPort}`;
}

/** The URLs of one allocation's name while `pm proxy` runs. */
export interface NameUrls {
  readonly url: string;
  readonly httpsUrl: string;
}

/** `project/service` -> the URLs of its name: what every view shows while the proxy runs. */
export function nameUrls(registry: Registry, endpoint: ProxyEndpoint): Map<string, NameUrls> {
  return new Map(
    proxyRoutes(registry).map((route) => [
      `${route.project}/${route.service}`,
      { url: proxyUrl(route.host, endpoint), httpsUrl: proxyHttpsUrl(route.host, endpoint) },
    ]),
  );
}

function sortedRoutes(routes: readonly ProxyRoute[]): ProxyRoute[] {
  return [...routes].sort((a, b) => compareNames(a.host, b.host));
}

const HEADER = '# Generated by pm (port-ledger) from its registry; pm rewrites it, do not edit.';

/**
 * The site blocks: each name over plain HTTP and HTTPS (Caddy's local CA), on loopback
 * only, to 127.0.0.1 first and ::1 when that refuses (a dev server listening on IPv6 only).
 * An unknown name over HTTP gets a 404 that says what to do instead of a redirect.
 */
export function caddySites(routes: readonly ProxyRoute[]): string {
  const blocks = sortedRoutes(routes).map((route) =>
    [
      `http://${route.host}, https://${route.host} {`,
      '\tbind 127.0.0.1 ::1',
      '\ttls internal',
      `\treverse_proxy 127.0.0.1:${route.port} [::1]:${route.port} {`,
      '\t\tlb_policy first',
      '\t\tlb_retries 1',
      '\t\tfail_duration 1s',
      '\t}',
      '}',
    ].join('\n'),
  );
  blocks.push(
    [
      'http:// {',
      '\tbind 127.0.0.1 ::1',
      '\trespond "pm proxy: no allocation has this name; pm status lists the names" 404',
      '}',
    ].join('\n'),
  );
  return `${blocks.join('\n\n')}\n`;
}

/** The whole Caddyfile `pm proxy` runs: its ports, its admin address, then the sites. */
export function proxyCaddyfile(routes: readonly ProxyRoute[], endpoint: ProxyEndpoint): string {
  const global = [
    '{',
    `\tadmin ${endpoint.admin}`,
    `\thttp_port ${endpoint.httpPort}`,
    `\thttps_port ${endpoint.httpsPort}`,
    // `pm proxy trust` installs the CA when the user asks; never as a side effect of a start.
    '\tskip_install_trust',
    '\tlog {',
    '\t\tlevel ERROR',
    '\t}',
    '}',
  ].join('\n');
  return `${HEADER}\n${global}\n\n${caddySites(routes)}`;
}

/** For a user's own Caddy: the site blocks, to `import` into their Caddyfile. */
export function exportCaddy(routes: readonly ProxyRoute[]): string {
  return `${HEADER}\n# Import it into your Caddyfile; names are served on your Caddy's own ports.\n\n${caddySites(routes)}`;
}

/** Traefik's file provider (dynamic configuration, YAML): one router and service per name. */
export function exportTraefik(routes: readonly ProxyRoute[]): string {
  const sorted = sortedRoutes(routes);
  // Labels never hold "_", so joining them with it keeps every id distinct.
  const id = (route: ProxyRoute) =>
    `pm_${route.host.slice(0, -TOP_LEVEL.length - 1).replace(/\./g, '_')}`;
  const lines = [HEADER, '# Traefik file provider: providers.file.filename points here.', 'http:'];
  if (sorted.length === 0) {
    lines.push('  routers: {}', '  services: {}');
    return `${lines.join('\n')}\n`;
  }
  lines.push('  routers:');
  for (const route of sorted) {
    lines.push(
      `    ${id(route)}:`,
      `      rule: "Host(\`${route.host}\`)"`,
      `      service: ${id(route)}`,
    );
  }
  lines.push('  services:');
  for (const route of sorted) {
    lines.push(
      `    ${id(route)}:`,
      '      loadBalancer:',
      '        servers:',
      `          - url: "http://127.0.0.1:${route.port}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** nginx, for an `include` inside `http {}`: one server per name, WebSockets passed on. */
export function exportNginx(routes: readonly ProxyRoute[]): string {
  const lines = [
    HEADER,
    '# Include it inside the http {} block of nginx.conf.',
    'map $http_upgrade $pm_connection_upgrade {',
    '    default upgrade;',
    "    '' close;",
    '}',
  ];
  for (const route of sortedRoutes(routes)) {
    const upstream = `pm_${route.host}`;
    lines.push(
      '',
      `upstream ${upstream} {`,
      `    server 127.0.0.1:${route.port};`,
      `    server [::1]:${route.port} backup;`,
      '}',
      'server {',
      '    listen 127.0.0.1:80;',
      '    listen [::1]:80;',
      `    server_name ${route.host};`,
      '    location / {',
      `        proxy_pass http://${upstream};`,
      '        proxy_http_version 1.1;',
      '        proxy_set_header Host $host;',
      '        proxy_set_header Upgrade $http_upgrade;',
      '        proxy_set_header Connection $pm_connection_upgrade;',
      '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '        proxy_set_header X-Forwarded-Proto $scheme;',
      '    }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

export const EXPORT_FORMATS = ['caddy', 'traefik', 'nginx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportConfig(format: ExportFormat, routes: readonly ProxyRoute[]): string {
  switch (format) {
    case 'traefik':
      return exportTraefik(routes);
    case 'nginx':
      return exportNginx(routes);
    default:
      return exportCaddy(routes);
  }
}
