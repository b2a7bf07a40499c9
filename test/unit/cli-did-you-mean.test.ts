// The shared "did you mean": edit distance with swaps, and a suggestion only when close enough.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearest } from '../../electron/engine/did-you-mean.js';

test('edit distance: inserts, deletes, changes, and a swap of neighbours as one edit', () => {
  assert.equal(editDistance('run', 'run'), 0);
  assert.equal(editDistance('rn', 'run'), 1);
  assert.equal(editDistance('rum', 'run'), 1);
  assert.equal(editDistance('rnu', 'run'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('nearest: the closest within a third of the word, case-insensitive; else nothing', () => {
  const commands = ['run', 'test', 'lint', 'ls', 'ps', 'stop', 'start'];
  assert.equal(nearest('rnu', commands), 'run');
  assert.equal(nearest('LINT', commands), 'lint');
  assert.equal(nearest('stpo', commands), 'stop');
  assert.equal(nearest('frobnicate', commands), undefined);
  assert.equal(nearest('fist-steps', ['first-steps', 'scope']), 'first-steps');
  assert.equal(nearest('x', []), undefined);
});
