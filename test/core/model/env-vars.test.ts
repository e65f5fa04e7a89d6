import { describe, expect, it } from 'vitest';
import {
  formatVariables,
  parseEnvFormat,
  parseEnvName,
  projectVariables,
  runVariables,
  servicePortName,
} from '../../../src/core/model/env-vars.js';
import { thrown } from '../../helpers/errors.js';

const shop = [
  { service: 'web', port: 5173 },
  { service: 'api-gw', port: 4000 },
  { service: 'db', port: 5432 },
];

describe('variables for a project', () => {
  it('names a sibling UPPER_CASE with dashes as underscores', () => {
    expect(servicePortName('api-gw')).toBe('API_GW_PORT');
    expect(servicePortName('worker_1')).toBe('WORKER_1_PORT');
  });

  it('gives pm run PORT first, then every service in name order, each with its URL', () => {
    expect(runVariables(shop, 'web')).toEqual([
      ['PORT', '5173'],
      ['API_GW_PORT', '4000'],
      ['API_GW_URL', 'http://localhost:4000'],
      ['DB_PORT', '5432'],
      ['DB_URL', 'http://localhost:5432'],
      ['WEB_PORT', '5173'],
      ['WEB_URL', 'http://localhost:5173'],
    ]);
  });

  it("gives pm run a sibling's manifest name too (web sees VITE_API_PORT)", () => {
    const vars = new Map(
      runVariables(shop, 'web', 'PORT', {
        project: 'shop',
        envNames: new Map([['api-gw', 'VITE_API_PORT']]),
      }),
    );
    expect(vars.get('VITE_API_PORT')).toBe('4000');
  });

  it('gives a declared name ending in _URL the URL, templated as the manifest says', () => {
    const wiring = {
      project: 'shop',
      envNames: new Map([
        ['api-gw', 'BACKEND_URL'],
        ['web', 'APP_URL'],
      ]),
      urlTemplates: new Map([['api-gw', 'https://localhost:{port}/v1']]),
    };
    const sibling = new Map(runVariables(shop, 'web', 'PORT', wiring));
    expect(sibling.get('BACKEND_URL')).toBe('https://localhost:4000/v1');
    expect(sibling.get('APP_URL')).toBe('http://localhost:5173');
    // pm env leaves the manifest's own names out (they are pm run's only).
    expect(new Map(projectVariables(shop, wiring)).get('BACKEND_URL')).toBeUndefined();
    // The run's own name, when it is a URL name, gets the URL too.
    expect(new Map(runVariables(shop, 'api-gw', 'BACKEND_URL', wiring)).get('BACKEND_URL')).toBe(
      'https://localhost:4000/v1',
    );
  });

  it('adds prefixed copies and templated URLs where the manifest asks for them', () => {
    const wiring = {
      project: 'shop',
      prefixes: new Map([['api-gw', 'VITE_']]),
      urlTemplates: new Map([['api-gw', 'https://localhost:{port}/api?v=2&x']]),
    };
    const vars = projectVariables(shop.slice(0, 2), wiring);
    expect(vars).toEqual([
      ['API_GW_PORT', '4000'],
      ['API_GW_URL', 'https://localhost:4000/api?v=2&x'],
      ['VITE_API_GW_PORT', '4000'],
      ['VITE_API_GW_URL', 'https://localhost:4000/api?v=2&x'],
      ['WEB_PORT', '5173'],
      ['WEB_URL', 'http://localhost:5173'],
    ]);
    // A value with ? or & is quoted where a shell or a dotenv reader would cut it.
    expect(formatVariables(vars, 'dotenv')).toContain(
      'API_GW_URL="https://localhost:4000/api?v=2&x"',
    );
    expect(formatVariables(vars, 'shell')).toContain(
      "export API_GW_URL='https://localhost:4000/api?v=2&x'",
    );
    expect(JSON.parse(formatVariables(vars, 'json'))).toMatchObject({
      VITE_API_GW_PORT: 4000,
      VITE_API_GW_URL: 'https://localhost:4000/api?v=2&x',
    });
  });

  it('lets an explicit name win over a sibling of the same name', () => {
    const vars = runVariables(shop, 'web', 'DB_PORT');
    expect(vars[0]).toEqual(['DB_PORT', '5173']);
    expect(vars.filter(([name]) => name === 'DB_PORT')).toHaveLength(1);
  });

  it("gives pm env every service's <SERVICE>_PORT in service order, and nothing else", () => {
    expect(projectVariables(shop)).toEqual([
      ['API_GW_PORT', '4000'],
      ['API_GW_URL', 'http://localhost:4000'],
      ['DB_PORT', '5432'],
      ['DB_URL', 'http://localhost:5432'],
      ['WEB_PORT', '5173'],
      ['WEB_URL', 'http://localhost:5173'],
    ]);
  });

  it('prints dotenv, shell and JSON', () => {
    const vars = projectVariables([{ service: 'web', port: 5173 }]);
    expect(formatVariables(vars, 'dotenv')).toBe('WEB_PORT=5173\nWEB_URL=http://localhost:5173');
    expect(formatVariables(vars, 'shell')).toBe(
      'export WEB_PORT=5173\nexport WEB_URL=http://localhost:5173',
    );
    expect(JSON.parse(formatVariables(vars, 'json'))).toEqual({
      WEB_PORT: 5173,
      WEB_URL: 'http://localhost:5173',
    });
  });

  it('refuses a variable name a shell would not take, and an unknown format', () => {
    expect(thrown(() => parseEnvName('MY-PORT')).exitCode).toBe(2);
    expect(thrown(() => parseEnvName('1PORT')).message).toContain("'1PORT'");
    expect(thrown(() => parseEnvFormat('yaml')).remedies).toEqual([
      { kind: 'text', text: 'the formats are dotenv, shell, json' },
    ]);
  });
});
