import { describe, expect, it } from 'vitest';
import { renderStatusTable } from '../../src/commands/status.js';
import { statusView } from '../../src/core/actions/index.js';
import { emptyRegistry, withAllocation, withProjectPlace } from '../../src/core/model/registry.js';
import { createStyle } from '../../src/view/style.js';
import { fakeScanner, tcp } from '../helpers/fakes.js';

function view() {
  const registry = withAllocation(emptyRegistry(), 'storefront-administration', 'web', 3000);
  const listeners = [tcp(3000, 4242, 'a-very-long-process-name-indeed', '127.0.0.1')];
  return statusView({ scanner: fakeScanner(listeners) }, registry, { ok: true, listeners });
}

describe('the status table as text', () => {
  it('prints every cell whole when there is no terminal width (pipes, logs)', () => {
    const text = renderStatusTable(view(), createStyle(false), false);
    expect(text).toContain('storefront-administration');
    expect(text).toContain('a-very-long-process-name-indeed');
    expect(text).toContain('127.0.0.1');
  });

  it('fits a terminal width: no line longer than it, ADDRESS gives way first', () => {
    const text = renderStatusTable(view(), createStyle(false), false, 60);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(text).not.toContain('ADDRESS');
    expect(text).toMatch(/3000\s+active\s+4242/);
  });

  it('lists a worktree indented right after its project', () => {
    let registry = withAllocation(emptyRegistry(), 'shop', 'web', 3000);
    registry = withAllocation(registry, 'shop-admin', 'web', 3002);
    registry = withProjectPlace(registry, 'shop-feat', { path: '/w/feat', worktreeOf: 'shop' });
    registry = withAllocation(registry, 'shop-feat', 'web', 3001);
    const scan = { ok: true as const, listeners: [] };
    const text = renderStatusTable(
      statusView({ scanner: fakeScanner() }, registry, scan),
      createStyle(false),
      false,
    );
    expect(text.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^shop\s+web\s+3000/),
      expect.stringMatching(/^ {2}shop-feat\s+web\s+3001/),
      expect.stringMatching(/^shop-admin\s+web\s+3002/),
    ]);
  });

  it('colours only the state, and only when colour is on', () => {
    const coloured = renderStatusTable(view(), createStyle(true), false);
    expect(coloured).toContain('\u001b[32mactive\u001b[39m');
    expect(renderStatusTable(view(), createStyle(false), false)).not.toContain('\u001b[');
  });
});
