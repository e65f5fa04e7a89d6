// The message line tells the current truth: an action's error gives way once the registry
// changes, and a registry error follows the file.
import { afterEach, describe, expect, it } from 'vitest';
import { type DashboardHarness, startDashboard } from '../helpers/dashboard.js';
import { registryToml } from '../helpers/fixtures.js';

let harness: DashboardHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const errorLine = (frame: string) => frame.split('\n').find((line) => line.startsWith('✗'));

describe('the message line', () => {
  it('drops an action error once the registry is fixed, and follows a new breakage', async () => {
    harness = await startDashboard({ projects: { shop: { web: 3000 } }, columns: 200 });
    const { ui, registry } = harness;
    await ui.waitForText('3000');
    await registry.write('version = 1\n[projects.shop.ports\nweb = 3000\n');
    await ui.waitForText('showing the last good rows');
    // The allocation fails on the broken file: its error is the action's own.
    // The form starts at the service (the project comes from the row); the port is left blank.
    await ui.press('a');
    await ui.type('api');
    await ui.press('enter');
    await ui.press('enter');
    const failed = await ui.waitForFrame(
      (frame) => /^✗ registry .*:2:/.test(errorLine(frame) ?? '') && !frame.includes('allocating'),
    );
    expect(failed).toContain('Allocate a port');
    await ui.press('escape');

    await registry.write(registryToml({ shop: { web: 3000, api: 3001 } }));
    await ui.waitForText('3001');
    // Whatever keys follow, the old error is gone: the file is fine now.
    await ui.waitForFrame((frame) => errorLine(frame) === undefined);
    await ui.press('j');
    await ui.press('r');
    expect(errorLine(await ui.waitForText('3001'))).toBe(undefined);

    await registry.write('version = 1\n\n\n\n[projects.shop.ports\n');
    const broken = await ui.waitForFrame((frame) => (errorLine(frame) ?? '').includes(':5:'));
    expect(errorLine(broken)).not.toContain(':2:');
  });
});

describe('a long message', () => {
  const broken = 'version = 1\n[projects.shop.ports]\nweb = 3000\nweb = 3001\n';

  it('wraps to three lines, and m shows it whole', async () => {
    harness = await startDashboard({ registryText: broken, columns: 40, rows: 30 });
    const { ui } = harness;
    const frame = await ui.waitForText('could not be read');
    const lines = frame.split('\n');
    const first = lines.findIndex((line) => line.startsWith('✗ '));
    expect(first).toBeGreaterThan(0);
    // Three lines of message, then the hint; none wider than the terminal.
    expect(lines[first + 1]?.trim()).not.toBe('');
    expect(lines[first + 2]?.trim()).not.toBe('');
    expect(lines[first + 3]).toMatch(/^ {2}hint: /);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40);
    const cut = lines.slice(first, first + 3).join(' ');
    expect(cut.endsWith('…'), frame).toBe(true);

    await ui.press('m');
    const whole = await ui.waitForFrame((current) => !current.includes('PROJECT'));
    expect(whole).toContain('Last message');
    // The whole message: the words the message line had to cut are there.
    const words = (text: string) => text.replace(/\s+/g, ' ');
    expect(words(whole)).toContain('web = 3001');
    expect(whole).toMatch(/m\/q\/Esc close/);
    await ui.press('m');
    await ui.waitForText('PROJECT');
  });
});
