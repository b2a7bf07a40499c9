// Our errors are told apart by class and `code`, never by their text: the Fix line is a field
// (the doctor shows it apart) and part of the message (the CLI and the API show it as today);
// a wait that times out is a NoAnswerError, which an agent's check turns into a timed-out result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  BaseImageUnavailableError, EngineSettingsError, EngineUnreachableError, errorMessage, LabvisorError, NoAnswerError,
} from '../../electron/engine/errors.js';
import { errorInWords, isUnforeseen } from '../../electron/engine/error-words.js';
import { engineFailed } from '../../electron/engine/doctor.js';
import { toApiError } from '../../electron/host-common/api-errors.js';
import { lineStream } from '../../electron/engine/machines/vm/line-stream.js';
import { AgentClient } from '../../electron/engine/machines/vm/agent-client.js';

const unreachable = () => new EngineUnreachableError('unix:///tmp/nowhere.sock', 'no such socket (ENOENT)', { fix: 'start Docker.' });

test('errorMessage: our error with its Fix line on a line of its own, anything else as its text', () => {
  const err = unreachable();
  assert.equal(err.code, 'engine-unreachable');
  assert.equal(err.detail, 'Cannot reach the Docker engine at unix:///tmp/nowhere.sock: no such socket (ENOENT).');
  assert.equal(err.fix, 'start Docker.');
  assert.equal(errorMessage(err), 'Cannot reach the Docker engine at unix:///tmp/nowhere.sock: no such socket (ENOENT).\nFix: start Docker.');
  assert.equal(errorMessage(err), err.message);
  assert.equal(errorMessage(new LabvisorError('no-answer', 'no fix here')), 'no fix here');
  assert.equal(errorMessage(new Error('plain')), 'plain');
  assert.equal(errorMessage('a string'), 'a string');
});

test('an engine setting that cannot work: its own code, one line, no fix, still an EngineUnreachableError', () => {
  const err = new EngineSettingsError('context dead', 'docker context "dead" has no docker endpoint');
  assert.ok(err instanceof EngineUnreachableError);
  assert.equal(err.code, 'engine-settings');
  assert.equal(err.message, 'docker context "dead" has no docker endpoint');
  assert.equal(err.fix, undefined);
});

test('the CLI and the API show the Fix line; our `code` does not make an error unforeseen', () => {
  const err = new BaseImageUnavailableError('labvisor/base:latest', ['registry: offline']);
  assert.equal(err.code, 'base-image-unavailable');
  assert.equal(isUnforeseen(err), false);
  assert.equal(errorInWords(err), 'The base image labvisor/base:latest is not available and could not be made:\n  - registry: offline\n' +
    'Fix: install a static busybox (Debian/Ubuntu: sudo apt-get install busybox-static; or set LABVISOR_BUSYBOX to a static busybox binary' +
    ' for the engine\'s CPU), or connect to a registry.');
  const api = toApiError(unreachable());
  assert.equal(api.code, 'engine');
  assert.match(api.message, /\nFix: start Docker\.$/);
});

test('the doctor reads the fix from the error, not from its text', () => {
  assert.deepEqual(engineFailed(unreachable()), {
    id: 'engine', status: 'error', detail: 'Cannot reach the Docker engine at unix:///tmp/nowhere.sock: no such socket (ENOENT).', fix: 'start Docker.',
  });
  // A plain error whose text looks like ours stays whole: nothing is split out of a message.
  assert.deepEqual(engineFailed(new Error('odd\nFix: not ours')), { id: 'engine', status: 'error', detail: 'odd\nFix: not ours' });
  assert.deepEqual(engineFailed(new EngineSettingsError('x', 'DOCKER_HOST: not a URL')), { id: 'engine', status: 'error', detail: 'DOCKER_HOST: not a URL' });
});

test('a line that does not come in time is a NoAnswerError; an agent check turns it into a timed-out result', async () => {
  const quiet = lineStream(new PassThrough());
  const err = await quiet.next(() => undefined, 20).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof NoAnswerError);
  assert.equal(err.code, 'no-answer');
  assert.equal(err.message, 'no answer within 0.02 s');
  const agent = new AgentClient(quiet);
  assert.deepEqual(await agent.run('sleep 60', { timeoutMs: 20 }), { exitCode: 124, output: '', timedOut: true, truncated: false });
  quiet.close();
});

test('any other failure of the channel is not a timeout: the agent passes it on', async () => {
  const socket = new PassThrough();
  const agent = new AgentClient(lineStream(socket));
  const running = agent.run('true', { timeoutMs: 5000 });
  socket.destroy();
  await assert.rejects(running, (e: unknown) => !(e instanceof NoAnswerError) && /the connection closed/.test(errorMessage(e)));
});
