// The part of vitest's API the unit tests use, for running them in Wine's node.exe where
// vitest itself cannot start (see scripts/wine/unit.mjs). Assertions are vitest's own
// (`@vitest/expect` on chai, the same matchers and messages); only the collector and the
// runner are small: declaration order, before/after hooks per suite, skipIf/runIf/each.

import {
  ASYMMETRIC_MATCHERS_OBJECT,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';
import { fn, spyOn } from '@vitest/spy';
import * as chai from 'chai';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = (value, message) => {
  setState({ assertionCalls: getState(expect).assertionCalls + 1 }, expect);
  return chai.expect(value, message);
};
Object.assign(expect, chai.expect);
Object.assign(expect, globalThis[ASYMMETRIC_MATCHERS_OBJECT]);
expect.getState = () => getState(expect);
expect.setState = (state) => setState(state, expect);
expect.extend = (matchers) => chai.expect.extend(expect, matchers);
expect.unreachable = (message) => chai.assert.fail(`expected ${message ?? ''} not to be reached`);
setState({ assertionCalls: 0, isExpectingAssertions: false }, expect);

export const vi = { fn, spyOn };

const newSuite = (name, skip) => ({
  name,
  skip,
  items: [],
  before: [],
  after: [],
  first: [],
  last: [],
});
const root = newSuite('', false);
let current = root;
let file = '';

function format(name, row, index) {
  const args = Array.isArray(row) ? [...row] : [row];
  let out = name.replace(/%[sdijfo#%]/g, (token) => {
    if (token === '%%') return '%';
    if (token === '%#') return String(index);
    const value = args.shift();
    return token === '%j' || token === '%o' ? JSON.stringify(value) : String(value);
  });
  if (row && typeof row === 'object' && !Array.isArray(row)) {
    out = out.replace(/\$(\w+)/g, (_, key) => String(row[key]));
  }
  return out;
}

function withModes(define) {
  const run = (name, body, options) => define(name, body, false, options);
  run.skip = (name, body) => define(name, body, true);
  run.todo = (name) => define(name, undefined, true);
  run.only = run;
  run.skipIf = (condition) => (condition ? run.skip : run);
  run.runIf = (condition) => (condition ? run : run.skip);
  run.each = (table) => (name, body, options) => {
    for (const [index, row] of table.entries()) {
      const call = () => (Array.isArray(row) ? body(...row) : body(row));
      define(format(name, row, index), call, false, options);
    }
  };
  return run;
}

export const it = withModes((name, body, skip) => {
  current.items.push({ kind: 'test', name, body, skip: skip || body === undefined, file });
});
export const test = it;

export const describe = withModes((name, body, skip) => {
  const suite = newSuite(name, skip || current.skip);
  suite.file = file;
  current.items.push({ kind: 'suite', suite });
  const parent = current;
  current = suite;
  try {
    body?.();
  } finally {
    current = parent;
  }
});

const finishing = [];
/** Cleanup for the running test, after its afterEach hooks, last registered first. */
export const onTestFinished = (hook) => finishing.push(hook);
export const beforeEach = (hook) => current.before.push(hook);
export const afterEach = (hook) => current.after.push(hook);
export const beforeAll = (hook) => current.first.push(hook);
export const afterAll = (hook) => current.last.push(hook);

/** The file whose tests are collected next (set before importing it). */
export function collecting(name) {
  file = name;
  current = root;
}

const TIMEOUT_MS = 30_000;

function withTimeout(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: timed out after ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The message, and for a failed comparison both sides (what vitest would print as a diff). */
function describeFailure(error) {
  const lines = [String(error?.stack ?? error).slice(0, 2000)];
  if (error && 'expected' in error && 'actual' in error) {
    const show = (value) => {
      try {
        return JSON.stringify(value);
      } catch {
        return String(value);
      }
    };
    lines.push(`expected: ${show(error.expected)}`, `actual:   ${show(error.actual)}`);
  }
  return lines.join('\n');
}

async function runSuite(suite, path, chain, results) {
  const hooks = [...chain, suite];
  if (!suite.skip) for (const hook of suite.first) await hook();
  for (const item of suite.items) {
    if (item.kind === 'suite') {
      await runSuite(item.suite, [...path, item.suite.name], hooks, results);
      continue;
    }
    const name = [...path, item.name].filter(Boolean).join(' > ');
    if (item.skip || suite.skip) {
      results.push({ file: item.file, name, status: 'skipped' });
      continue;
    }
    try {
      for (const level of hooks) for (const hook of level.before) await hook();
      try {
        await withTimeout(
          Promise.resolve().then(() => item.body(context)),
          name,
        );
      } finally {
        for (const level of [...hooks].reverse()) for (const hook of level.after) await hook();
        for (const hook of finishing.splice(0).reverse()) await hook();
      }
      results.push({ file: item.file, name, status: 'passed' });
    } catch (error) {
      if (error instanceof Skip) {
        results.push({ file: item.file, name, status: 'skipped', note: error.message });
        continue;
      }
      results.push({
        file: item.file,
        name,
        status: 'failed',
        error: describeFailure(error),
      });
    }
  }
  if (!suite.skip) for (const hook of suite.last) await hook();
}

/** Thrown by the test context's skip(), as vitest's does. */
class Skip extends Error {}

/** The test context vitest passes to a test: skip(note) or skip(condition, note). */
const context = {
  skip(condition, note) {
    if (condition === undefined || typeof condition === 'string') throw new Skip(condition);
    if (condition) throw new Skip(note);
  },
  onTestFinished,
};

/** Runs what was collected since the last `collecting`, in declaration order. */
export async function runCollected(results) {
  const suite = root;
  const items = suite.items.splice(0);
  await runSuite({ ...suite, items }, [], [], results);
  suite.before.length = 0;
  suite.after.length = 0;
  suite.first.length = 0;
  suite.last.length = 0;
}
