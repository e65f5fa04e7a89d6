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

  it('gives pm run PORT first, then every service in name order', () => {
    expect(runVariables(shop, 'web')).toEqual([
      ['PORT', '5173'],
      ['API_GW_PORT', '4000'],
      ['DB_PORT', '5432'],
      ['WEB_PORT', '5173'],
    ]);
  });

  it('lets an explicit name win over a sibling of the same name', () => {
    const vars = runVariables(shop, 'web', 'DB_PORT');
    expect(vars[0]).toEqual(['DB_PORT', '5173']);
    expect(vars.filter(([name]) => name === 'DB_PORT')).toHaveLength(1);
  });

  it("gives pm env every service's <SERVICE>_PORT in service order, and nothing else", () => {
    expect(projectVariables(shop)).toEqual([
      ['API_GW_PORT', '4000'],
      ['DB_PORT', '5432'],
      ['WEB_PORT', '5173'],
    ]);
  });

  it('prints dotenv, shell and JSON', () => {
    const vars = projectVariables(shop.slice(0, 2));
    expect(formatVariables(vars, 'dotenv')).toBe('API_GW_PORT=4000\nWEB_PORT=5173');
    expect(formatVariables(vars, 'shell')).toBe('export API_GW_PORT=4000\nexport WEB_PORT=5173');
    expect(JSON.parse(formatVariables(vars, 'json'))).toEqual({
      API_GW_PORT: 4000,
      WEB_PORT: 5173,
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
