// Engine errors in words against the real engine: a terminal opened on a container the learner
// stopped (and a check's script there) says which machine and how to start it again, never
// "(HTTP code 409)", and opens fine once it runs again; one on a container removed behind the
// lab's back says to Start over; `labvisor run` of a lab asking more
// CPUs than the engine has prints one sentence, not a stack trace.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { ErrorInWords } from '../../electron/engine/errors.js';
import { toApiError } from '../../electron/host-common/api-errors.js';
import { startedLabSession } from './check-assertions.js';
import { cli, engineOrSkip, fixture, labelled, nothing } from './support.js';

const engine = await engineOrSkip();
const RAW = /HTTP code|\b409\b|\s+at\s|modem\.js|unexpected error/;

describe('engine errors in words, on a real engine', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const s = startedLabSession(engine, fixture('question-lab'));

  test('a terminal on a stopped container: the machine is not running, start it again or Start over; once started, it opens', async () => {
    const container = `lv-${s().id}-box`;
    await docker.getContainer(container).stop({ t: 0 });
    const err = await s().openTerminal('box', 80, 24).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ErrorInWords, `not in words: ${String(err)}`);
    assert.equal(err.message, `machine "box" is not running: start it again (docker start ${container}) or Start over.`);
    const api = toApiError(err, 'openTerminal');
    assert.deepEqual([api.code, api.message], ['engine', err.message], 'the UI gets the same sentence');
    assert.doesNotMatch(api.message, RAW);
    // A check's script on it says the same, not dockerode's words.
    const script = await s().runScript('box', 'true', 5_000);
    assert.deepEqual([script.notRun, script.output], [true, err.message]);

    await docker.getContainer(container).start();
    const term = await s().openTerminal('box', 80, 24);
    assert.equal(term.machine, 'box');
    await s().terminals.close(term.id);
  });

  test('a terminal on a container removed behind the lab\'s back: the machine is gone, Start over; a check\'s script says the same', async () => {
    await docker.getContainer(`lv-${s().id}-box`).remove({ force: true });
    const err = await s().openTerminal('box', 80, 24).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ErrorInWords, `not in words: ${String(err)}`);
    assert.equal(err.message, 'machine "box" is gone (its container was removed): Start over to make it again.');
    assert.doesNotMatch(toApiError(err, 'openTerminal').message, RAW);
    const script = await s().runScript('box', 'true', 5_000);
    assert.deepEqual([script.notRun, script.output], [true, err.message]);
  });

  test('labvisor run of a lab asking more CPUs than the engine has: one sentence, no stack trace', async (t) => {
    const cpus = (await docker.info() as { NCPU: number }).NCPU;
    if (cpus >= 16) {
      t.skip(`the engine has ${cpus} CPUs: the fixture's 16 fit`);
      return;
    }
    const r = await cli(['run', fixture('too-many-cpus'), '--trust']);
    assert.equal(r.code, 1, r.stderr);
    const last = r.stderr.trimEnd().split('\n').at(-1)!;
    assert.equal(last, `labvisor: Machine "busy" asks for more CPUs than the Docker engine has (${cpus}): give the engine more CPUs, or lower cpus in the lab's lab.yaml to ${cpus} or less.`);
    assert.doesNotMatch(r.stderr, RAW);
    const session = /\(session ([a-z0-9]{8})\)/.exec(r.stderr)?.[1];
    assert.ok(session, r.stderr);
    assert.deepEqual(await labelled(docker, session), nothing, 'nothing of the failed start remains');
  });
});
