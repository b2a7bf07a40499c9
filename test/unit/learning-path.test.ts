import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inPathOrder, nextOnPath } from '../../electron/shared/learning-path.js';

const labs = [
  { id: 'scope', title: 'Scope', order: 8 },
  { id: 'extra', title: 'A lab off the path' },
  { id: 'first-steps', title: 'First steps', order: 1 },
  { id: 'shared-kernel', title: 'Shared kernel', order: 2 },
  { id: 'zeta', title: 'Zeta, also off the path' },
];

test('the path in its order, then the labs off it by title', () => {
  assert.deepEqual(inPathOrder(labs).map((l) => l.id), ['first-steps', 'shared-kernel', 'scope', 'extra', 'zeta']);
});

test('next: the following lab on the path (gaps in the numbers do not matter); none after the last or off the path', () => {
  assert.equal(nextOnPath(labs, 'first-steps')?.id, 'shared-kernel');
  assert.equal(nextOnPath(labs, 'shared-kernel')?.id, 'scope');
  assert.equal(nextOnPath(labs, 'scope'), undefined);
  assert.equal(nextOnPath(labs, 'extra'), undefined);
  assert.equal(nextOnPath(labs, 'nope'), undefined);
});
