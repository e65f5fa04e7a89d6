// Keys typed in the allocate form: text goes to the focused field, Enter checks the field and
// moves on, the last Enter sends the allocation, and its outcome closes or keeps the form.
import { describe, expect, it } from 'vitest';
import { PmError } from '../../../src/core/errors.js';
import { dashboardReducer } from '../../../src/dashboard/model/reducer.js';
import { modeOf, type UiState } from '../../../src/dashboard/model/state.js';
import { initialUiState, onWeb, press, requests } from './press.js';

const formOf = (state: UiState) => {
  if (state.overlay.kind !== 'form') throw new Error(`no form open: ${state.overlay.kind}`);
  return state.overlay.form;
};
const type = (state: UiState, text: string) => press(state, ...text);

describe('the allocate form', () => {
  it('a on a row starts at its project; typing fills the service, Enter twice sends', () => {
    const opened = press(onWeb(), 'a');
    expect(formOf(opened)).toMatchObject({ values: { project: 'shop' }, focus: 1 });
    const filled = press(type(opened, 'db'), 'return');
    expect(formOf(filled).focus).toBe(2);
    const sent = press(type(filled, '4000'), 'return');
    expect(formOf(sent).submitting).toBe(true);
    expect(requests(sent)).toEqual([
      { kind: 'allocate', request: { project: 'shop', service: 'db', port: 4000 } },
    ]);
  });

  it('a blank port asks pm to pick one', () => {
    const sent = press(type(press(onWeb(), 'a'), 'db'), 'return', 'return');
    expect(requests(sent)).toEqual([
      { kind: 'allocate', request: { project: 'shop', service: 'db' } },
    ]);
  });

  it('refuses an invalid name on Enter, keeps the focus there and says why', () => {
    const refused = press(type(press(onWeb(), 'a'), 'no way'), 'return');
    expect(formOf(refused)).toMatchObject({ focus: 1, error: { field: 'service' } });
    expect(requests(refused)).toEqual([]);
    // Typing again clears the error.
    expect(formOf(press(refused, 'backspace')).error).toBeUndefined();
  });

  it('a port field takes digits only; backspace erases; Tab and Shift-Tab cycle the fields', () => {
    const onPort = press(initialUiState, 'a', 'tab');
    expect(formOf(onPort).focus).toBe(2);
    // A letter stays visible with the error beside it, so Enter cannot allocate another port.
    const typo = formOf(type(onPort, '4x0'));
    expect(typo.values.port).toBe('4x0');
    expect(typo.error).toMatchObject({ field: 'port' });
    expect(formOf(press(type(onPort, '40'), 'backspace')).values.port).toBe('4');
    expect(formOf(press(onPort, 'tab')).focus).toBe(0);
    expect(formOf(press(onPort, 'shift+tab')).focus).toBe(1);
  });

  it('ignores keys while the allocation is being sent', () => {
    const sent = press(type(press(onWeb(), 'a'), 'db'), 'return', 'return');
    expect(press(sent, 'x', 'backspace', 'tab', 'return')).toEqual(sent);
  });

  it('Esc closes the form without sending anything', () => {
    const closed = press(type(press(onWeb(), 'a'), 'db'), 'escape');
    expect(modeOf(closed)).toBe('table');
    expect(requests(closed)).toEqual([]);
  });

  it('a failed allocation reopens the form for a fix; a done one closes it and selects the row', () => {
    const sent = press(type(press(onWeb(), 'a'), 'db'), 'return', 'return');
    const failed = dashboardReducer(sent, { type: 'failed', error: new Error('port taken') });
    expect(formOf(failed).submitting).toBe(false);
    expect(failed.message?.tone).toBe('error');
    const done = dashboardReducer(sent, {
      type: 'allocated',
      result: { project: 'shop', service: 'db', port: 4000, created: true, warnings: [] },
    });
    expect(modeOf(done)).toBe('table');
    expect(done.selection.key).toBe('a:shop/db');
    expect(done.message?.tone).toBe('success');
  });

  it("a field error replaces the last allocation's message, which is no longer the news", () => {
    const sent = press(type(press(onWeb(), 'a'), 'db'), 'return', 'return');
    const done = dashboardReducer(sent, {
      type: 'allocated',
      result: { project: 'shop', service: 'db', port: 4000, created: true, warnings: [] },
    });
    const onPort = press(done, 'a', 'tab');
    // Opening the form and moving in it leaves the message alone...
    expect(onPort.message?.text).toBe('allocated shop/db: port 4000');
    // ...an error in it does not stand under the old success.
    const typo = type(onPort, '4x');
    expect(formOf(typo).error).toMatchObject({ field: 'port' });
    expect(typo.message).toBeUndefined();
    const refused = press(type(press(done, 'a'), 'no way'), 'return');
    expect(formOf(refused).error).toMatchObject({ field: 'service' });
    expect(refused.message).toBeUndefined();
  });

  it("a failed allocation's hint says what to do in the form, not a table key", () => {
    const sent = press(type(press(onWeb(), 'a'), 'db'), 'tab', ...'3000', 'return');
    const failed = dashboardReducer(sent, {
      type: 'failed',
      error: new PmError('PORT_TAKEN', 'port 3000 is already allocated to shop/web', [
        { kind: 'suggest' },
      ]),
    });
    expect(failed.message?.hint).toBe('clear the port to get a free one');
    // The same error met in the table names the key.
    const inTable = dashboardReducer(initialUiState, {
      type: 'failed',
      error: new PmError('PORT_TAKEN', 'port 3000 is already allocated', [{ kind: 'suggest' }]),
    });
    expect(inTable.message?.hint).toBe('press s for a free port');
  });
});
