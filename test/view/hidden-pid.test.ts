// A listener whose pid pm cannot see is not necessarily another user's (pm as root, a
// process in another pid namespace): every front end says what is true, "pid not visible to
// pm", with the uid when the scanner gave one.
import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/commands/query.js';
import { statusView } from '../../src/core/actions/index.js';
import { listenerName } from '../../src/core/model/explain.js';
import { planKill } from '../../src/core/model/kill.js';
import { emptyRegistry, withAllocation } from '../../src/core/model/registry.js';
import type { Listener } from '../../src/core/ports.js';
import { killRequestOf } from '../../src/dashboard/model/kill.js';
import { dashboardRows } from '../../src/dashboard/model/rows.js';
import { rowCells } from '../../src/view/cells.js';
import { createStyle } from '../../src/view/style.js';
import { fakeScanner, tcp, testDeps } from '../helpers/fakes.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-hidden-');
const rootsOwn: Listener = { ...tcp(7100), uid: 0 };

describe('a pid pm cannot see', () => {
  it('is "pid not visible to pm" in explanations, cells and kill messages', () => {
    expect(listenerName(rootsOwn)).toBe('a process whose pid is not visible to pm (uid 0)');
    expect(listenerName(tcp(7100))).toBe('a process whose pid is not visible to pm');
    const registry = withAllocation(emptyRegistry(), 'shop', 'api', 7100);
    const view = statusView({ scanner: fakeScanner([]) }, registry, {
      ok: true,
      listeners: [rootsOwn],
    });
    expect(rowCells(view.rows[0]!).PROCESS).toBe('(not visible)');
    const question = killRequestOf(dashboardRows(view).allocations[0]);
    expect('text' in question && question.text).toBe(
      'port 7100 is held by a process whose pid is not visible to pm (uid 0)',
    );
    expect(() =>
      planKill(7100, [rootsOwn], {
        self: { pid: 5, uid: 0 },
        ancestors: new Set(),
        processes: new Map(),
      }),
    ).toThrow(/port 7100 is held by a process whose pid is not visible to pm \(uid 0\)/);
  });

  it('pm query :port says so too', async () => {
    const lines: string[] = [];
    const deps = testDeps(`${tempDir()}/registry.toml`, { listeners: [rootsOwn] });
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text) };
    await runQuery({ deps, json: false, style: createStyle(false), io, cwd: '.' }, [':7100']);
    expect(lines).toContain('listening: tcp 127.0.0.1:7100 pid not visible to pm (uid 0)');
    expect(lines.join('\n')).not.toContain('another user');
  });
});
