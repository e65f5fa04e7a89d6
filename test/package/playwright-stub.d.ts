// The part of @playwright/test's types that docs/examples/playwright.config.ts uses, so the
// example is type-checked against port-ledger's real declarations without installing Playwright.
declare module '@playwright/test' {
  export interface PlaywrightTestConfig {
    webServer?: {
      command: string;
      url?: string;
      port?: number;
      reuseExistingServer?: boolean;
      env?: Record<string, string>;
    };
    use?: { baseURL?: string };
  }
  export function defineConfig(config: PlaywrightTestConfig): PlaywrightTestConfig;
}
