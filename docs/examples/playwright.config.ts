// playwright.config.ts of a project whose .pm.toml declares `web` (docs/wiring.md).
// Playwright starts the dev server through `pm run`, which gives it its port (PORT, or
// `--port` for servers that ignore PORT), and waits for the URL pm reports.
// Needs an ES module config ("type": "module" in package.json, or playwright.config.mts) for
// the top-level await.
import { defineConfig } from '@playwright/test';
import { url } from 'port-ledger';

const web = await url('web');

export default defineConfig({
  webServer: {
    command: 'pm run web -- npm run dev',
    url: web,
    reuseExistingServer: !process.env.CI,
  },
  use: { baseURL: web },
});
