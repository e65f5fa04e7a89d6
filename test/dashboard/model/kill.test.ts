// Keys typed in the stop question: x names the row's listener, y sends the kill and says it is
// stopping, n and Esc close; the outcome is shown whatever is open by then.
import { describe, expect, it } from 'vitest';
import { describeKill } from '../../../src/dashboard/model/kill.js';
import { dashboardReducer } from '../../../src/dashboard/model/reducer.js';
import { modeOf } from '../../../src/dashboard/model/state.js';
import { onWeb, press, requests } from './press.js';

describe('the stop question', () => {
  it('x asks about the listener by pid; y sends the kill', () => {
    const asked = press(onWeb(), 'x');
    expect(asked.overlay).toEqual({
      kind: 'kill',
      target: { port: 3000, pid: 4242, label: expect.any(String) },
    });
    // The process is read for the question: its owner and directory join it.
    expect(requests(asked)).toEqual([{ kind: 'detail', pid: 4242 }]);
    const stopping = press(asked, 'y');
    expect(modeOf(stopping)).toBe('table');
    expect(requests(stopping)).toEqual([
      { kind: 'detail', pid: 4242 },
      { kind: 'kill', target: expect.objectContaining({ pid: 4242, port: 3000 }) },
    ]);
    expect(stopping.message?.text).toMatch(/^stopping .*pid 4242, on port 3000…$/);
  });

  it('n and Esc close it and stop nothing', () => {
    for (const key of ['n', 'escape']) {
      const closed = press(onWeb(), 'x', key);
      expect(modeOf(closed)).toBe('table');
      expect(requests(closed)).toEqual([{ kind: 'detail', pid: 4242 }]);
    }
  });

  it('names the process without the control characters of a foreign label', () => {
    expect(describeKill({ port: 1, pid: 2, label: 'evil\u001b[2J' })).not.toContain('\u001b');
  });

  it('reports a stop that left the port listened on as an error, a freed port as done', () => {
    const stopping = press(onWeb(), 'x', 'y');
    const targets = [{ pid: 4242, startTime: 1, label: 'node', listeners: [] }];
    const result = {
      port: 3000,
      targets,
      containers: [],
      sent: ['TERM', 'KILL'] as const,
      freed: false,
    };
    const refused = dashboardReducer(stopping, { type: 'killed', result });
    expect(refused.message).toEqual({
      tone: 'error',
      text: expect.stringMatching(/^sent SIGTERM, then SIGKILL to .*still listened on$/),
    });
    const done = dashboardReducer(stopping, { type: 'killed', result: { ...result, freed: true } });
    expect(done.message?.tone).toBe('success');
  });
});
