import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cannotRun, CappedOutput } from '../../electron/engine/machines/script-result.js';
import { failLines, tail } from '../../electron/engine/checks/check-result.js';
import { describeScriptFailure } from '../../electron/engine/checks/run-check.js';
import { runHostScript } from '../../electron/engine/machines/host-script.js';
import { joinLogFrames } from '../../electron/engine/machines/container-logs.js';

test('output is capped without keeping more than the cap', () => {
  const out = new CappedOutput(10);
  out.push(Buffer.from('12345'));
  out.push(Buffer.from('67890abc'));
  out.push(Buffer.from('more'));
  assert.equal(out.text(), '1234567890');
  assert.equal(out.truncated, true);
});

test('FAIL: lines are the learner\'s message; otherwise the exit code and last lines', () => {
  assert.deepEqual(failLines('ok\nFAIL: no backup yet\nnoise\nFAIL:  second  \n'), ['no backup yet', 'second']);
  assert.deepEqual(describeScriptFailure({ exitCode: 1, output: 'FAIL: x\n', timedOut: false, truncated: false }, 30), ['x']);
  assert.deepEqual(describeScriptFailure({ exitCode: 3, output: 'a\nb\n', timedOut: false, truncated: false }, 30), ['exited with code 3: a\nb']);
  assert.deepEqual(describeScriptFailure({ exitCode: 124, output: '', timedOut: true, truncated: false }, 5), ['timed out after 5 s']);
  assert.deepEqual(describeScriptFailure(cannotRun('vm', 'stopped: its runner was killed\nLast console lines:\n# '), 30), ['machine "vm" stopped: its runner was killed'],
    'a script that did not run: its machine and why, not the console lines the reason ends with');
  assert.equal(tail('1\n2\n3\n4\n5\n6\n7', 2), '6\n7');
});

test('host scripts: exit code, env, interleaved output, and a timeout that kills the whole process group', async () => {
  const r = await runHostScript('echo "$GREETING"; echo err >&2; exit 3', '/tmp', { timeoutMs: 5000, env: { GREETING: 'hi' } });
  assert.equal(r.exitCode, 3);
  assert.match(r.output, /hi\n/);
  assert.match(r.output, /err\n/);
  const began = Date.now();
  const slow = await runHostScript('sleep 30 & sleep 30; echo never', '/tmp', { timeoutMs: 300 });
  assert.equal(slow.timedOut, true);
  assert.ok(Date.now() - began < 5000);
  assert.doesNotMatch(slow.output, /never/);
});

test('container log frames are joined without their headers', () => {
  const frame = (type: number, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = type;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  assert.equal(joinLogFrames(Buffer.concat([frame(1, 'out\n'), frame(2, 'boom\n')])), 'out\nboom\n');
});
