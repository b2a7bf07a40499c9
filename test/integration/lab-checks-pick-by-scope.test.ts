// The checks and questions of the bundled capstone pick-by-scope judge where the learner put each
// workload and what ended up running, not which commands were typed: for each placement question
// the answer people really give (the classic one, or the one the facts rule out) is refused and
// the right one accepted; for each check, the anti-pattern its step warns about is refused with a
// message that says why, and another right way than the lab's own solution passes. (`labvisor
// test` proves each check fails first and passes after the lab's solution.) One session, its VM
// booted once; it stops with nothing left, the learner's own containers included.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONG_ANSWER } from '../../electron/engine/checks/answer-question.js';
import { engineOrSkip, vmSkip } from './support.js';
import { bundledLabSession, checkPasses as passes, checkRefuses as refused, mustRun as run } from './check-assertions.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'the pick-by-scope check tests');

/**
 * Polls (every 0.1 s, at most 10 s) until CONDITION holds: the VM is emulated (TCG) and a loaded
 * machine slows it, so no fixed sleep is long enough for a process to start or end.
 */
const waitFor = (condition: string) => `i=0; until ${condition} || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done; true`;
/** Until each of PIDS is gone or a zombie (which has no namespaces left for the check to see). */
const waitGone = (pids: string) => `for p in ${pids}; do ${waitFor("{ [ ! -e /proc/$p ] || grep -q ') Z' /proc/$p/stat 2>/dev/null; }")}; done`;
/** Starts a tenant in the VM in the background and records unshare's PID in /tmp/NAME. */
const startTenant = (name: string, unshare: string) => `
  ${unshare} </dev/null >/dev/null 2>&1 &
  u=$!
  echo $u > /tmp/${name}
  ${waitFor("ps -o pid,ppid,comm | awk -v u=\"$u\" '($1 == u || $2 == u) && $3 == \"sleep\" { f = 1 } END { exit !f }'")}`;
/**
 * Ends that tenant: its namespace's PID 1 (the child of unshare), and unshare with it. From outside
 * its namespace, a namespace's init takes only the signals it handles, and SIGKILL.
 */
const endTenant = (name: string) => `
  u=$(cat /tmp/${name})
  c=$(ps -o pid,ppid | awk -v u="$u" '$2 == u { print $1 }')
  kill -9 $c "$u" 2>/dev/null
  ${waitGone('$c $u')}`;

describe('pick-by-scope: four placements, a tenant boxed in a VM, a stateless service replaced', { skip }, () => {
  const s = bundledLabSession(engine, 'pick-by-scope');
  const answer = (step: string, given: string) => s().answer(step, given);
  const right = { ok: true, messages: [] };
  const wrong = { ok: false, messages: [WRONG_ANSWER] };

  // Each placement: the step, the wrong picks (and why they are believable), the right one.
  const placements: Array<[step: string, wrongs: string[], why: string, right: string]> = [
    ['monolith', ['A VM', 'An application container'], 'the classic home of monoliths, ruled out by "no second kernel"', 'A system container'],
    ['windows-app', ['A container in a VM', 'A system container'], 'both on a kernel that cannot run it here', 'A VM'],
    ['web-service', ['A VM', 'A system container'], 'a kernel or an init for what is one program', 'An application container'],
    ['untrusted-tenant', ['An application container', 'A VM'], 'a shared kernel; no image workflow', 'A container in a VM'],
  ];
  for (const [step, wrongs, why, pick] of placements) {
    test(`${step}: ${wrongs.map((w) => `"${w}"`).join(' and ')} (${why}) are refused; "${pick}" is accepted`, async () => {
      for (const given of wrongs) assert.deepEqual(await answer(step, given), wrong, given);
      assert.deepEqual(await answer(step, pick), right);
    });
  }

  test('tenant-in-vm: the tenant in a container on the Docker host, a hostname-only unshare, and a PID namespace without its own /proc are refused; a chroot with a hand-mounted proc and short options passes', async () => {
    await refused(s(), 'tenant-in-vm', /no process in the VM runs in a PID namespace of its own yet/);

    // The anti-pattern: the untrusted tenant in an ordinary container, on the Docker host's kernel.
    await run(s(), 'host', `docker run -d --name "lv-$LAB_SESSION-tenant" --hostname tenant --network none --memory 32m "$LAB_BASE_IMAGE" sleep 600 >/dev/null`);
    const r = await s().check('tenant-in-vm');
    assert.equal(r.ok, false);
    assert.match(r.messages.join('\n'), /lv-\w+-tenant runs the tenant in a container on the Docker host, on the kernel every other workload shares: remove it/);
    assert.match(r.messages.join('\n'), /no process in the VM runs in a PID namespace of its own yet/);
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-tenant" >/dev/null');

    // Half a container: its own hostname, but the VM's PID namespace.
    await run(s(), 'vm', startTenant('uts-only', "unshare --uts sh -c 'hostname tenant; exec sleep 600'"));
    await refused(s(), 'tenant-in-vm', /process \d+ has its own hostname but shares the VM's PID namespace/);
    await run(s(), 'vm', `kill "$(cat /tmp/uts-only)"; ${waitGone('$(cat /tmp/uts-only)')}`);

    // A PID namespace of its own, but the VM's /proc: its ps would list every process of the VM.
    await run(s(), 'vm', startTenant('no-proc', "unshare -p -f -m -u -i -n sh -c 'hostname tenant; exec sleep 600'"));
    await refused(s(), 'tenant-in-vm', /the tenant's \/proc still lists the VM's processes/);
    await run(s(), 'vm', endTenant('no-proc'));
    await refused(s(), 'tenant-in-vm', /no process in the VM runs in a PID namespace of its own yet/);

    // Another right way: short options, a root filesystem of its own (chroot) and proc mounted by hand.
    await run(s(), 'vm', `
      r=/tmp/tenant-root
      mkdir -p $r/bin $r/proc
      cp /bin/busybox $r/bin/
      for a in sh sleep hostname mount; do ln -sf busybox $r/bin/$a; done
      ${startTenant('chroot', `unshare -p -f -m -u -i -n chroot $r /bin/sh -c 'mount -t proc proc /proc; hostname tenant; exec sleep 600'`)}`);
    await passes(s(), 'tenant-in-vm');
    // The VM's own /proc and hostname are untouched.
    assert.equal(await run(s(), 'vm', 'hostname; cat /proc/1/comm'), 'vm\ninit\n');
  });

  test('tenant-pid: "1", the PID inside the tenant, is refused; the PID of unshare\'s child as the VM\'s ps shows it is accepted', async () => {
    assert.deepEqual(await answer('tenant-pid', '1'), wrong);
    // Another way to the number than NSpid: the child of unshare in the VM's process list.
    const pid = (await run(s(), 'vm', `ps -o pid,ppid | awk -v u="$(cat /tmp/chroot)" '$2 == u { print $1 }'`)).trim();
    assert.match(pid, /^\d+$/);
    assert.notEqual(pid, '1');
    assert.deepEqual(await answer('tenant-pid', pid), right);
  });

  test('run-web: the catalogue without --read-only is refused; one made with docker create and connected to the lab\'s network by hand passes', async () => {
    await refused(s(), 'run-web', /no container of yours \(lv-\w+-…\) runs the catalogue's image \(\$LAB_IMAGE_WEB\) yet/);

    // The anti-pattern: a "stateless" service that can keep things in its container.
    await run(s(), 'host', `docker run -d --name "lv-$LAB_SESSION-web" --network "$LAB_NETWORK" --network-alias catalogue "$LAB_IMAGE_WEB" >/dev/null`);
    await refused(s(), 'run-web', /lv-\w+-web can write to its own filesystem: run a stateless service with --read-only/);
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-web" >/dev/null');

    // Not on the lab's network as catalogue: the client cannot find it.
    await run(s(), 'host', `docker run -d --name "lv-$LAB_SESSION-web" --network "$LAB_NETWORK" --read-only "$LAB_IMAGE_WEB" >/dev/null`);
    await refused(s(), 'run-web', /lv-\w+-web runs the catalogue's image but is not on the lab's network as catalogue/);
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-web" >/dev/null');

    // Another right way: created on the default network, moved to the lab's with its alias, then started.
    await run(s(), 'host', `
      c="lv-$LAB_SESSION-catalogue-1"
      docker create --name "$c" --read-only --cap-drop ALL --memory 32m "$LAB_IMAGE_WEB" >/dev/null
      docker network disconnect bridge "$c"
      docker network connect --alias catalogue "$LAB_NETWORK" "$c"
      docker start "$c" >/dev/null
      sleep 1`);
    await passes(s(), 'run-web');
  });

  test('replace-web: a second container left beside version 1, and a container patched in place to say version 2, are refused; blue-green (start version 2 under another name, then remove version 1) passes', async () => {
    await refused(s(), 'replace-web', /lv-\w+-catalogue-1 still answers as catalogue with version 1/);

    // Blue-green, first half: version 2 beside version 1. Leaving it there is the anti-pattern.
    await run(s(), 'host', `
      docker run -d --name "lv-$LAB_SESSION-catalogue-2" --network "$LAB_NETWORK" --network-alias catalogue \\
        --read-only --cap-drop ALL --memory 32m --env VERSION=2 "$LAB_IMAGE_WEB" >/dev/null
      sleep 1`);
    await refused(s(), 'replace-web', /lv-\w+-catalogue-1 still answers as catalogue with version 1, so clients get version 1 from it/);

    // Second half: version 1 removed. The client never lacked a catalogue.
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-catalogue-1" >/dev/null');
    await passes(s(), 'replace-web');

    // The anti-pattern the step rules out: a writable container patched to say version 2.
    await run(s(), 'host', `
      c="lv-$LAB_SESSION-patched"
      docker run -d --name "$c" --network "$LAB_NETWORK" --network-alias catalogue "$LAB_IMAGE_WEB" >/dev/null
      docker exec "$c" sh -c 'echo "<p>catalogue service, version 2</p>" > /srv/www/v1/index.html'`);
    await refused(s(), 'replace-web', /lv-\w+-patched was changed after it started \(docker diff: C \/srv\/www C \/srv\/www\/v1 C \/srv\/www\/v1\/index\.html\): a stateless service is replaced from its image, never patched in place/);
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-patched" >/dev/null');
    await passes(s(), 'replace-web');
  });
});
