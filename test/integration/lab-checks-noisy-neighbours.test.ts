// The checks of the bundled lab noisy-neighbours judge what happened to the learner's containers
// and VM, not which commands were typed: for each check and the question, a wrong way — the
// anti-pattern its step warns about, or a guessed answer — is refused with a message that says
// why, and another right way than the lab's own solution passes. (`labvisor test` proves each
// check fails first and passes after the lab's solution.) One session, its VM booted once; it
// stops with nothing left.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONG_ANSWER } from '../../electron/engine/checks/answer-question.js';
import { engineOrSkip, vmSkip } from './support.js';
import { bundledLabSession, checkPasses as passes, checkRefuses as refused, mustRun as run } from './check-assertions.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'the noisy-neighbours check tests');

describe('noisy-neighbours: memory, CPU and pids limits, and the same hog in a VM', { skip }, () => {
  const s = bundledLabSession(engine, 'noisy-neighbours');


  test('oom-kill: a container killed with SIGKILL from outside (exit code 137, OOMKilled false) is refused; an awk hog killed inside a shell that lives on (exit code 0, OOMKilled true) passes', async () => {
    await refused(s(), 'oom-kill', /no container of yours \(lv-\w+-…\) has been killed for going over its memory limit yet/);

    // The anti-pattern: "exit code 137, so it ran out of memory".
    await run(s(), 'host', `
      docker run -d --name "lv-$LAB_SESSION-killed" --network none --memory 32m "$LAB_BASE_IMAGE" sleep 600 >/dev/null
      docker kill "lv-$LAB_SESSION-killed" >/dev/null
      docker wait "lv-$LAB_SESSION-killed"`);
    await refused(s(), 'oom-kill', /lv-\w+-killed ended with exit code 137 \(SIGKILL\), but Docker says OOMKilled false: something killed it, not its memory limit/);

    // Another right way: a string that doubles until awk is killed, under a shell that survives it.
    const out = await run(s(), 'host', `
      docker run --name "lv-$LAB_SESSION-awk" --network none --memory 48m --memory-swap 48m "$LAB_BASE_IMAGE" \\
        sh -c 'awk "BEGIN { s = \\"x\\"; while (1) s = s s }"; echo "awk ended with $?"'
      docker inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' "lv-$LAB_SESSION-awk"`);
    // The shell's "Killed" notice (stderr) lands before or after its echo: the two streams interleave.
    assert.match(out, /^awk ended with 137$/m);
    assert.match(out, /^true 0$/m);
    await passes(s(), 'oom-kill');
  });

  test('cpu-throttle: a busy loop in the host terminal, or the box only sleeping, is refused; `yes` in the box through docker exec passes', async () => {
    await refused(s(), 'cpu-throttle', /the box's cpu\.stat says nr_throttled \d: the kernel has not held the box back 10 times yet/);

    // The anti-patterns: busy somewhere else than the box, or the box waiting, not working.
    await run(s(), 'host', "timeout 2 sh -c 'while :; do :; done'; true");
    await run(s(), 'box', 'sleep 2');
    await refused(s(), 'cpu-throttle', /nr_throttled \d: the kernel has not held the box back 10 times yet/);

    // Another right way: another program that never waits, started from the host terminal.
    await run(s(), 'host', `docker exec "$LAB_MACHINE_BOX" sh -c 'timeout 3 yes > /dev/null'; true`);
    await passes(s(), 'cpu-throttle');
  });

  test('fork-bomb: 40 processes without a pids limit, and a pids-limited container that never forks, are refused; a loop of sleeps that runs into a limit of 16 passes', async () => {
    await refused(s(), 'fork-bomb', /no container of yours \(lv-\w+-…\) has run into its pids limit yet/);

    // The anti-patterns: many processes and no limit; a limit and nothing that reaches it.
    await run(s(), 'host', `
      docker run -d --name "lv-$LAB_SESSION-many" --network none --memory 32m "$LAB_BASE_IMAGE" \\
        sh -c 'for i in $(seq 40); do sleep 600 & done; wait' >/dev/null
      docker run -d --name "lv-$LAB_SESSION-idle" --network none --memory 32m --pids-limit 32 "$LAB_BASE_IMAGE" sleep 600 >/dev/null
      sleep 2`);
    const r = await s().check('fork-bomb');
    assert.equal(r.ok, false);
    assert.match(r.messages.join('\n'), /lv-\w+-many runs 4\d processes and has no pids limit/);
    assert.match(r.messages.join('\n'), /lv-\w+-idle has a pids limit of 32, but never reached it/);
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-many" "lv-$LAB_SESSION-idle" >/dev/null');

    // Another right way: not a bomb but a loop that starts sleeps until the kernel refuses it a
    // fork (then busybox's sh gives up, and the container ends).
    await run(s(), 'host', `
      c="lv-$LAB_SESSION-loop"
      docker run -d --name "$c" --network none --memory 32m --cpus 0.5 --pids-limit 16 "$LAB_BASE_IMAGE" \\
        sh -c 'while :; do sleep 600 & done' >/dev/null
      for i in $(seq 20); do [ "$(docker top "$c" | tail -n +2 | wc -l)" -ge 16 ] && break; sleep 1; done`);
    await passes(s(), 'fork-bomb');
  });

  test('vm-oom: the hog in a container instead of the VM is refused; four dd buffers at once in the VM pass, and QEMU lives on', async () => {
    await refused(s(), 'vm-oom', /the VM's kernel log has no out-of-memory kill yet/);

    // The anti-pattern: the same hog, but in a container: the host's kernel kills it, the VM never sees it.
    await run(s(), 'host', `docker run --name "lv-$LAB_SESSION-hog2" --network none --memory 32m --memory-swap 32m "$LAB_BASE_IMAGE" tail /dev/zero; true`);
    await refused(s(), 'vm-oom', /the VM's kernel log has no out-of-memory kill yet/);

    // Another right way: four 40 MiB buffers at once, more than the guest's 128 MiB together.
    await run(s(), 'vm', 'for i in 1 2 3 4; do dd if=/dev/zero of=/dev/null bs=40M count=1 2>/dev/null & done; wait; true');
    await passes(s(), 'vm-oom');
    assert.equal(await run(s(), 'vm', 'echo alive'), 'alive\n');
  });

  test('vm-limit: the guest\'s memory given as the runner\'s limit is refused; the limit after the slash in docker stats passes', async () => {
    const guest = 128;
    assert.deepEqual(await s().answer('vm-limit', String(guest)), { ok: false, messages: [WRONG_ANSWER] });

    // Another way to read the same limit than HostConfig.Memory: docker stats' "used / limit".
    const limit = (await run(s(), 'host', `docker stats --no-stream --format '{{.MemUsage}}' "lv-$LAB_SESSION-vm" | sed 's/.*\\/ *\\([0-9.]*\\)MiB.*/\\1/'`)).trim();
    assert.match(limit, /^\d+(\.\d+)?$/);
    assert.ok(Number(limit) > guest, `the runner's limit ${limit} MiB holds more than the guest's ${guest} MiB`);
    assert.deepEqual(await s().answer('vm-limit', limit), { ok: true, messages: [] });
  });
});
