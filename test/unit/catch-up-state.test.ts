// "Skip to this step" in the player, its pure part (renderer/src/player/catch-up-state.ts): which
// steps a catch-up would do, which one it is on from the engine's progress events, and what its
// outcome does to the learner's progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METHODS, parseRequest } from '../../electron/shared/api.js';
import { catchUpActions, catchUpAt, catchUpFailure, stepsToCatchUp } from '../../renderer/src/player/catch-up-state.js';
import { emptyLearner, learnerReducer } from '../../renderer/src/player/learner-state.js';

const STEPS = ['one', 'two', 'three', 'four', 'five'];

test('the steps to catch up: the earlier ones not passed; none on the first step or with none open', () => {
  const learner = { ...emptyLearner('lab'), passed: ['two'] };
  assert.deepEqual(stepsToCatchUp(learner, STEPS, 'four'), ['one', 'three']);
  assert.deepEqual(stepsToCatchUp(learner, STEPS, 'one'), []);
  assert.deepEqual(stepsToCatchUp(learner, STEPS, undefined), []);
  assert.deepEqual(stepsToCatchUp({ ...learner, passed: ['one', 'two', 'three'] }, STEPS, 'four'), []);
});

test('which step a catch-up is on: its progress events count the steps before the target', () => {
  assert.deepEqual(catchUpAt(STEPS, 'four', { task: 'catch up', phase: 'step 2 of 3: two', current: 1, total: 3 }), { step: 'two', index: 1, total: 3 });
  assert.equal(catchUpAt(STEPS, 'four', { task: 'catch up', phase: 'at four', state: 'done' }), undefined, 'the last event is no step');
  assert.equal(catchUpAt(STEPS, 'four', { task: 'machine box', phase: 'starting', current: 1, total: 3 }), undefined, 'another task');
  assert.equal(catchUpAt(STEPS, 'two', { task: 'catch up', phase: '?', current: 3, total: 4 }), undefined, 'not a step before the target');
});

test('a catch-up that reached its step: earlier steps passed, the learner there', () => {
  const result = { reached: 'four', steps: [
    { id: 'one', ok: true, how: 'already' as const, messages: [] }, { id: 'two', ok: true, how: 'explain' as const, messages: [] },
    { id: 'three', ok: true, how: 'solved' as const, messages: [] },
  ] };
  const after = catchUpActions(result).reduce(learnerReducer, { ...emptyLearner('lab'), currentStep: 'four', passed: ['two'] });
  assert.deepEqual([after.currentStep, after.passed], ['four', ['two', 'one', 'three']]);
  assert.equal(catchUpFailure(result, 'four'), undefined);
});

test('a catch-up that stopped short: the learner lands on the failing step, un-passed, with its check\'s messages', () => {
  const result = { reached: 'two', steps: [
    { id: 'one', ok: true, how: 'solved' as const, messages: [] }, { id: 'two', ok: false, how: 'solved' as const, messages: ['no /tmp/b'] },
  ] };
  const after = catchUpActions(result).reduce(learnerReducer, { ...emptyLearner('lab'), currentStep: 'five', passed: ['two'] });
  assert.deepEqual([after.currentStep, after.passed], ['two', ['one']]);
  assert.deepEqual(catchUpFailure(result, 'five'), { step: 'two', messages: ['no /tmp/b'] });
  assert.deepEqual(catchUpFailure({ ...result, steps: [{ ...result.steps[1]!, messages: [] }] }, 'five'), { step: 'two', messages: ['its check does not pass'] });
});

test('the catchUp request and result follow the contract', () => {
  assert.ok(parseRequest({ id: 1, method: 'catchUp', params: { session: 'ab12cd34', step: 'kill-from-host' } }).ok);
  const bad = parseRequest({ id: 2, method: 'catchUp', params: { session: 'ab12cd34', step: '../x' } });
  assert.match(bad.ok ? '' : bad.message, /^catchUp: params\.step: must be lowercase letters, digits and dashes, starting with a letter/);
  const extra = parseRequest({ id: 3, method: 'catchUp', params: { session: 'ab12cd34', step: 'a', force: true } });
  assert.match(extra.ok ? '' : extra.message, /force/);
  assert.ok(METHODS.catchUp.result.safeParse({ reached: 'a', steps: [{ id: 'x', ok: true, how: 'already', messages: [] }] }).success);
  assert.equal(METHODS.catchUp.result.safeParse({ reached: 'a', steps: [{ id: 'x', ok: true, how: 'guessed', messages: [] }] }).success, false);
});
