import { afterEach, describe, expect, it } from 'vitest';
import { type DashboardHarness, startDashboard } from '../helpers/dashboard.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const REGISTRY = `version = 1

[defaults]
range_start = 3000
range_end = 9999

[projects.shop]
path = "/src/shop"
ports = { web = 3000 }

[projects.shop-admin]
ports = { web = 3100 }

[projects.shop-feat]
path = "/src/shop-feat"
worktree_of = "shop"
ports = { web = 3001 }
`;

describe('worktrees in the dashboard', () => {
  it('shows a worktree indented right under its project', async () => {
    harness = await startDashboard({ registryText: REGISTRY });
    const frame = await harness.ui.waitForText('3100');
    const lines = frame.split('\n');
    const at = (port: number) => lines.findIndex((line) => line.includes(` ${port} `));
    expect(at(3000)).toBeLessThan(at(3001));
    expect(at(3001)).toBeLessThan(at(3100));
    expect(lines[at(3001)]).toMatch(/^[› ]\s{3}shop-feat\s+web\s+3001/);
    expect(lines[at(3000)]).toMatch(/^[› ] shop\s+web\s+3000/);
  });
});
