// The step between a registry change and Caddy: loads only what changed, one at a time, and
// a config Caddy refuses is said once, with its reason, while the old one stays. Caddy's side
// of a refusal (the old config keeps serving) is tested with the real Caddy in
// test/e2e/proxy.test.ts; here the load's answer is given, to reach the refusal at all (pm's
// own configs are valid).
import { describe, expect, it } from 'vitest';
import { createReloader } from '../../src/commands/proxy.js';
import type { ProxyRoute } from '../../src/core/model/proxy-config.js';
import type { LoadOutcome } from '../../src/os/shared/caddy.js';

const web: ProxyRoute = { host: 'web.shop.localhost', project: 'shop', service: 'web', port: 3000 };
const api: ProxyRoute = { host: 'api.shop.localhost', project: 'shop', service: 'api', port: 3001 };
const render = (routes: readonly ProxyRoute[]) => routes.map((route) => route.host).join(',');

function harness(answers: LoadOutcome[]) {
  let current: ProxyRoute[] = [web];
  const said: string[] = [];
  const loads: string[] = [];
  const saved: string[] = [];
  const reload = createReloader({
    routes: current,
    loaded: render(current),
    read: async () => current,
    render,
    load: async (text) => {
      loads.push(text);
      return answers.shift() ?? { ok: true };
    },
    say: (text) => said.push(text),
    save: (text) => saved.push(text),
  });
  return {
    reload,
    said,
    loads,
    saved,
    set: (routes: ProxyRoute[]) => {
      current = routes;
    },
  };
}

describe('the reloader', () => {
  it('loads nothing while the registry says the same', async () => {
    const h = harness([]);
    await h.reload();
    await h.reload();
    expect(h.loads).toEqual([]);
  });

  it('loads a change once and says what was added', async () => {
    const h = harness([]);
    h.set([web, api]);
    await Promise.all([h.reload(), h.reload()]);
    expect(h.loads).toEqual(['web.shop.localhost,api.shop.localhost']);
    expect(h.said).toEqual(['pm proxy: loaded: added api.shop.localhost -> 3001']);
    expect(h.saved).toHaveLength(1);
  });

  it('a refused config is said once with the reason, kept off disk, and a later change loads', async () => {
    const h = harness([{ ok: false, reason: 'adapting config: bad\u001b[2J' }]);
    h.set([web, api]);
    await h.reload();
    await h.reload();
    expect(h.said).toEqual([
      'pm proxy: Caddy refused the new config and keeps serving the old one: adapting config: bad\\x1b[2J',
    ]);
    expect(h.saved).toEqual([]);
    h.set([api]);
    await h.reload();
    expect(h.said.at(-1)).toBe(
      'pm proxy: loaded: added api.shop.localhost -> 3001; removed web.shop.localhost',
    );
  });
});
