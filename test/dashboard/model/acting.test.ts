// Acting on the selected row, directly: the kill question, the detail request, and why there
// is nothing to stop on an idle row.
import { describe, expect, it } from 'vitest';
import { killRequestOf, reduceActingKey, shownRows } from '../../../src/dashboard/model/acting.js';
import { initialUiState, modeOf } from '../../../src/dashboard/model/state.js';
import { shopRows } from './rows-fixture.js';

const rows = shopRows();
const row = (service: string) =>
  shownRows(initialUiState, rows).find(
    (candidate) => candidate.kind === 'allocation' && candidate.service === service,
  );

describe('acting on a row', () => {
  it('offers to stop the listening process by pid, and refuses an idle row with a reason', () => {
    expect(killRequestOf(row('web'))).toMatchObject({ pid: 4242, port: 3000 });
    const idle = killRequestOf(row('api'));
    expect('tone' in idle && idle.tone).toBeTruthy();
  });

  it('x asks the kill question for the selected row; y sends the kill', () => {
    const onWeb = { ...initialUiState, selection: { key: row('web')?.key as string, index: 1 } };
    const asked = reduceActingKey(onWeb, 'kill', rows);
    expect(modeOf(asked)).toBe('kill');
    const confirmed = reduceActingKey(asked, 'killYes', rows);
    // x also asked for the process's detail (its owner and directory join the question).
    expect(confirmed.outbox.map((item) => item.request)).toEqual([
      { kind: 'detail', pid: 4242 },
      { kind: 'kill', target: expect.objectContaining({ pid: 4242 }) },
    ]);
  });

  it('the detail view asks for the process behind the row', () => {
    const onWeb = { ...initialUiState, selection: { key: row('web')?.key as string, index: 1 } };
    const opened = reduceActingKey(onWeb, 'detail', rows);
    expect(modeOf(opened)).toBe('detail');
    expect(opened.outbox.map((item) => item.request)).toEqual([{ kind: 'detail', pid: 4242 }]);
  });
});
