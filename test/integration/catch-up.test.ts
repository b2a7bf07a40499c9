// Catching a session up to a later step on a real engine (test/fixtures/labs/catch-up-lab): a
// step the learner did already keeps what they did, the others get their solutions and checks,
// and a step whose solution leaves its check failing stops the catch-up there with the check's
// messages. Then the API (LabHost): progress events per step, the learner's progress saved, a
// second catch-up at once refused; and `labvisor run --to`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { catchUp } from '../../electron/engine/sessions/catch-up.js';
import { readProgress } from '../../electron/engine/learner-progress.js';
import { LabHost } from '../../electron/host-common/lab-host.js';
import type { ProgressEvent } from '../../electron/shared/api.js';
import { mustRun, startedLabSession } from './check-assertions.js';
import { cli, engineOrSkip, fixture, labelled, nothing } from './support.js';

const engine = await engineOrSkip();
const LAB = fixture('catch-up-lab');

describe('catch-up on a real engine', { skip: engine.skip, timeout: 300_000 }, () => {
  const s = startedLabSession(engine, LAB);

  test('to step 4: a step done by the learner is kept, the others are solved and checked', async () => {
    await mustRun(s(), 'box', 'echo mine > /tmp/a');
    const lines: string[] = [];
    const result = await catchUp(s(), 'write-b', { progress: (e) => lines.push(`${e.phase}${e.state ? ` (${e.state})` : ''}`) });
    assert.equal(result.reached, 'write-b');
    assert.deepEqual(result.steps.map((x) => [x.id, x.ok, x.how, x.messages]), [
      ['write-a', true, 'already', []], ['read-on', true, 'explain', []], ['count', true, 'question', []],
    ]);
    assert.equal(await mustRun(s(), 'box', 'cat /tmp/a'), 'mine\n', 'what the learner did is not redone');
    assert.equal(await mustRun(s(), 'box', 'wc -l < /tmp/lines'), '2\n', "the question's solution ran: step 4 can begin");
    assert.deepEqual(lines, ['step 1 of 3: write-a', 'step 2 of 3: read-on', 'step 3 of 3: count', 'at write-b (done)']);
    assert.equal((await s().check('write-b')).ok, false, 'the step caught up to is left for the learner');
  });

  test('past a step whose solution fails: stops there with the check\'s messages', async () => {
    const result = await catchUp(s(), 'the-end');
    assert.equal(result.reached, 'say-yes');
    assert.deepEqual(result.steps.map((x) => [x.id, x.ok, x.how]), [
      ['write-a', true, 'already'], ['read-on', true, 'explain'], ['count', true, 'question'], ['write-b', true, 'solved'], ['say-yes', false, 'solved'],
    ]);
    assert.deepEqual(result.steps.at(-1)!.messages, ['/tmp/answer does not say yes']);
    assert.equal(await mustRun(s(), 'box', 'cat /tmp/b'), 'b\n');
  });

  test('an unknown step is an error naming the steps', async () => {
    await assert.rejects(catchUp(s(), 'nope'), /lab "catch-up-lab" has no step "nope"; its steps are: write-a, read-on, count, write-b, say-yes, the-end/);
  });
});

describe('catchUp over the API', { skip: engine.skip, timeout: 300_000 }, () => {
  test('progress events per step, the progress saved, one catch-up at a time', async () => {
    const docker = engine.docker as Docker;
    const host = new LabHost({ labsDir: fixture('.') });
    const events: ProgressEvent[] = [];
    const started = await host.startLab({ lab: 'catch-up-lab' });
    host.onEvent((e) => { if (e.event === 'progress' && e.session === started.id && e.progress.task === 'catch up') events.push(e.progress); });
    try {
      await host.saveProgress({ lab: 'catch-up-lab', passed: ['say-yes'], hintsShown: { 'write-a': 1 }, solutionsShown: [] });
      const running = host.catchUp({ session: started.id, step: 'the-end' });
      await assert.rejects(host.catchUp({ session: started.id, step: 'count' }), /session \w+ is catching up already/);
      const result = await running;
      assert.equal(result.reached, 'say-yes');
      assert.deepEqual(result.steps.at(-1), { id: 'say-yes', ok: false, how: 'solved', messages: ['/tmp/answer does not say yes'] });
      assert.deepEqual(events.map((e) => [e.phase, e.current, e.total, e.state]), [
        ['step 1 of 5: write-a', 0, 5, undefined], ['step 2 of 5: read-on', 1, 5, undefined], ['step 3 of 5: count', 2, 5, undefined],
        ['step 4 of 5: write-b', 3, 5, undefined], ['step 5 of 5: say-yes', 4, 5, undefined], ['step 5 of 5: say-yes did not pass', undefined, undefined, 'failed'],
      ]);
      const saved = await readProgress('catch-up-lab');
      assert.deepEqual([saved.currentStep, saved.passed, saved.hintsShown], ['say-yes', ['write-a', 'read-on', 'count', 'write-b'], { 'write-a': 1 }],
        'the failing step is no longer passed; hints are kept');
      await assert.rejects(host.catchUp({ session: started.id, step: 'nope' }), /lab "catch-up-lab" has no step "nope"/);
    } finally {
      await host.stopAll();
    }
    assert.deepEqual(await labelled(docker, started.id), nothing);
  });
});

describe('labvisor run --to', { skip: engine.skip, timeout: 300_000 }, () => {
  test('catches up, says where it stopped, and with --keep leaves the session for `labvisor stop`', async (t) => {
    const r = await cli(['run', LAB, '--to', 'the-end', '--keep']);
    const out = r.stdout + r.stderr;
    const started = /\(session (\w+)\)/.exec(out)?.[1];
    // Whatever the assertions find, the kept session goes.
    let stopped = false;
    t.after(async () => { if (started && !stopped) await cli(['stop', started]); });
    assert.equal(r.code, 1, out);
    assert.match(out, /Catching up to step 6 "the-end": 5 earlier step\(s\)/);
    assert.match(out, /^ok {3}write-a .* solution ran, check passed$/m);
    assert.match(out, /^ok {3}read-on .* nothing to check$/m);
    assert.match(out, /^FAIL say-yes .* \/tmp\/answer does not say yes$/m);
    assert.match(out, /Stopped at step "say-yes"/);
    const session = /Session (\w+) keeps running/.exec(out)?.[1];
    assert.ok(session, out);
    const stop = await cli(['stop', session]);
    stopped = stop.code === 0;
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(await labelled(engine.docker as Docker, session), nothing);
  });

  test('bad input: an unknown step, or --to with --solve, starts nothing', async () => {
    const unknown = await cli(['run', LAB, '--to', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /lab "catch-up-lab" has no step "nope"; its steps are: write-a, read-on/);
    const both = await cli(['run', LAB, '--to', 'count', '--solve']);
    assert.match(both.stderr, /--solve and --to do not go together/);
    assert.notEqual(both.code, 0);
  });
});
