import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { currentOwner, formatOwner, ownerHost, ownerState, parseOwner } from '../../electron/engine/owner.js';

test('the owner label round-trips and names this process as alive', () => {
  const me = currentOwner();
  assert.equal(me.pid, process.pid);
  assert.ok(me.start.length > 0);
  assert.deepEqual(parseOwner(formatOwner(me)), me);
  assert.equal(ownerState(me), 'alive');
});

test('an exited process is dead; a reused PID (other start time) is dead; another host is unknown', async () => {
  const child = spawn('sleep', ['0']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  assert.equal(ownerState({ host: ownerHost(), pid, start: '1' }), 'dead');
  assert.equal(ownerState({ ...currentOwner(), start: 'not-my-start-time' }), 'dead');
  assert.equal(ownerState({ ...currentOwner(), host: 'some-other-laptop' }), 'unknown');
  // The same machine, another PID namespace (a client in a container): its PIDs are not ours to judge.
  assert.equal(ownerState({ ...currentOwner(), host: `${ownerHost().split('@')[0]}@pid:[1]` }), 'unknown');
  assert.equal(ownerState(parseOwner('garbage')), 'dead');
});
