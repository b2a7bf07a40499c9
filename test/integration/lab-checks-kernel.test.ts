// The checks of the kernel labs (scope, isolation-surface, shared-kernel, vms-host-containers,
// spin-up-and-size) judge what the learner observed, not which commands they typed: for every
// check changed or added by issue 15's review, a wrong answer — the anti-pattern its step warns
// about — is refused with a message that says why, and another right way than the lab's own
// solution passes. (`labvisor test` proves each check fails first and passes after the lab's
// solution.) One session per lab, its VM booted once for all of the lab's cases; each session
// stops with nothing left.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engineOrSkip, vmSkip } from './support.js';
import { bundledLabSession, checkPasses as passes, checkRefuses as refused, mustRun as run } from './check-assertions.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'the kernel labs\' check tests');

/** Resolves with what `find` returns once it returns something; rejects after timeoutMs. */
async function until<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Shell (busybox ash) that turns Docker's RFC 3339 timestamps into milliseconds of the day with
 * shell arithmetic only: another way than the labs' awk to do the same sums.
 */
const MS_OF_DAY = `
ms() {
  set -- $(echo "$1" | sed -E 's/.*T([0-9]+):([0-9]+):([0-9]+)\\.?([0-9]{0,3}).*/\\1 \\2 \\3 \\4/')
  f="\${4}000"; f=\${f%"\${f#???}"}; f=\${f#0}; f=\${f#0}
  echo $(( (\${1#0} * 3600 + \${2#0} * 60 + \${3#0}) * 1000 + \${f:-0} ))
}`;

describe('scope: counting kernel threads', { skip }, () => {
  const lab = bundledLabSession(engine, 'scope');

  test('count-kernel-threads: a grep count that counts grep itself is refused (the system container has none); kthreadd\'s children as the kernel lists them pass', async () => {
    const s = lab();
    await refused(s, 'count-kernel-threads', /write the number of the VM's kernel threads/);

    // The anti-pattern: grep's own command line holds the `[` it looks for.
    const naive = "ps -o pid,args | grep -c '\\[' > /tmp/kthreads; true";
    await run(s, 'vm', naive);
    await run(s, 'system', naive);
    assert.notEqual((await run(s, 'system', 'cat /tmp/kthreads')).trim(), '0', 'the naive count is not 0 in a container');
    await refused(s, 'count-kernel-threads', /system container says "\d+"; a container has no kernel, so no kernel thread: a line in \[brackets\] there is your own grep, or a zombie/);

    // Another right way: kthreadd's children, as the kernel lists them in /proc, and kthreadd itself.
    const kthreadd = 'k=0; [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ] && k=$(( $(wc -w < /proc/2/task/2/children) + 1 )); echo "$k" > /tmp/kthreads';
    await run(s, 'vm', kthreadd);
    await run(s, 'system', kthreadd);
    assert.equal((await run(s, 'system', 'cat /tmp/kthreads')).trim(), '0');
    assert.ok(Number(await run(s, 'vm', 'cat /tmp/kthreads')) > 10, 'a VM has kernel threads');
    await passes(s, 'count-kernel-threads');
  });
});

describe('isolation-surface: the CPUs a container sees and may use', { skip }, () => {
  const lab = bundledLabSession(engine, 'isolation-surface');

  test('cpus: the CPUs the box sees written as its limit is refused; the limit read from its cgroup files passes', async (t) => {
    const s = lab();
    await refused(s, 'cpus', /write a number to \$LAB_WORKDIR\/box-cpus/);

    // The anti-pattern: "it sees N CPUs, so it may use N".
    await run(s, 'host', `
      docker exec "$LAB_MACHINE_BOX" nproc > "$LAB_WORKDIR/box-cpus"
      docker exec "$LAB_MACHINE_BOX" nproc > "$LAB_WORKDIR/box-cpu-limit"`);
    const sees = Number(await run(s, 'host', 'cat "$LAB_WORKDIR/box-cpus"'));
    const limit = Number(await run(s, 'host', 'docker inspect -f "{{.HostConfig.NanoCpus}}" "$LAB_MACHINE_BOX"')) / 1e9;
    if (sees !== limit) await refused(s, 'cpus', /box-cpu-limit says \d+; that is not the box's CPU limit/);
    else t.diagnostic(`the Docker host has ${sees} CPU(s), the box's limit: seeing and using are the same here`);

    // Another right way: /proc/cpuinfo for what it sees; quota ÷ period from the box's own cgroup (v2 or v1).
    await run(s, 'host', `
      docker exec "$LAB_MACHINE_BOX" grep -c '^processor' /proc/cpuinfo > "$LAB_WORKDIR/box-cpus"
      docker exec "$LAB_MACHINE_BOX" sh -c 'cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"' \\
        | awk '{ print $1 / $2 }' > "$LAB_WORKDIR/box-cpu-limit"`);
    assert.equal(Number(await run(s, 'host', 'cat "$LAB_WORKDIR/box-cpu-limit"')), limit);
    await passes(s, 'cpus');
  });
});

describe('shared-kernel: ending the VM from the Docker host', { skip }, () => {
  const lab = bundledLabSession(engine, 'shared-kernel');

  test('end-the-vm: killing the guest\'s own sleep leaves the VM running and is refused; SIGTERM to the QEMU found with docker top ends it, and the lab reports the VM stopped', async () => {
    const s = lab();
    await refused(s, 'end-the-vm', /the VM still runs: its QEMU process/);

    // The anti-pattern: ending the VM's processes from inside is not ending the VM.
    await run(s, 'vm', 'sleep 4242 >/dev/null 2>&1 & sleep 1; kill -9 $(pidof sleep)');
    await refused(s, 'end-the-vm', /the VM still runs/);
    assert.equal(await run(s, 'vm', 'echo alive'), 'alive\n');

    // Another right way than the solution's kill -9 of docker inspect's PID: docker top names the
    // runner's processes; a plain kill (SIGTERM) asks QEMU to quit.
    const code = await run(s, 'host', `
      kill "$(docker top "lv-$LAB_SESSION-vm" -o pid,args | awk '$2 ~ /^qemu-system/ { print $1 }')"
      docker wait "lv-$LAB_SESSION-vm"`);
    assert.equal(code.trim(), '0', 'QEMU quit on SIGTERM');
    await passes(s, 'end-the-vm');

    // The lab's machine says it stopped, and why; the rest of the lab runs on.
    const vm = await until('the lab to report the VM stopped', () => s.machines.find((m) => m.name === 'vm' && m.stopped));
    assert.match(vm.stopped!, /^QEMU exited \(code 0\)[\s\S]*terminating on signal 15/);
    const r = await s.runScript('vm', 'echo alive', 20_000);
    assert.equal(r.exitCode, 125);
    assert.match(r.output, /^machine "vm" stopped: QEMU exited/);
    assert.equal(await run(s, 'box', 'echo still here'), 'still here\n');
  });
});

describe('vms-host-containers: what the host sees of a container in a VM', { skip }, () => {
  const lab = bundledLabSession(engine, 'vms-host-containers');

  before(async () => {
    for (const step of ['rootfs', 'run-nested']) assert.deepEqual(await lab().solve(step), { ok: true, messages: [] }, step);
  });

  test('from-the-host: $LAB_QEMU_PID_VM echoed with a grep count that counts grep itself is refused, so is QEMU\'s parent; docker top and an awk count pass', async () => {
    const s = lab();
    await refused(s, 'from-the-host', /write your answer to \$LAB_WORKDIR\/host-sleeps/);

    // The anti-pattern: the PID from a variable, and "how many" counted with grep, which sees itself.
    await run(s, 'host', `
      echo "$LAB_QEMU_PID_VM" > "$LAB_WORKDIR/qemu.pid"
      ps -o args | grep -c 'sleep 31337' > "$LAB_WORKDIR/host-sleeps"; true`);
    await refused(s, 'from-the-host', /host-sleeps says "[1-9]\d*"; did your count include something that is not a sleep 31337 \(the grep itself\)\?/);

    // The right count, with the PID of QEMU's parent (its container's shim) instead of QEMU's.
    await run(s, 'host', `
      echo 0 > "$LAB_WORKDIR/host-sleeps"
      awk '/^PPid:/ { print $2 }' "/proc/$(docker inspect -f '{{.State.Pid}}' "lv-$LAB_SESSION-vm")/status" > "$LAB_WORKDIR/qemu.pid"`);
    await refused(s, 'from-the-host', /qemu\.pid says "\d+", which is not a QEMU process of the Docker host/);

    // Another right way: the runner's processes as docker top lists them; the sleeps counted by awk.
    await run(s, 'host', `
      docker top "lv-$LAB_SESSION-vm" -o pid,args | awk '$2 ~ /^qemu-system/ { print $1 }' > "$LAB_WORKDIR/qemu.pid"
      ps -o args | awk '$1 == "sleep" && $2 == "31337"' | wc -l > "$LAB_WORKDIR/host-sleeps"`);
    await passes(s, 'from-the-host');
  });
});

describe('spin-up-and-size: starts measured the same way, sizes of what the VM booted', { skip }, () => {
  const lab = bundledLabSession(engine, 'spin-up-and-size');

  test('start-containers: timed from StartedAt, after the runtime\'s work, is refused; Created to ready with shell arithmetic passes', async () => {
    const s = lab();
    await refused(s, 'start-containers', /lv-\w+-c1 is not running/);
    assert.deepEqual(await s.solve('start-containers'), { ok: true, messages: [] });

    // The anti-pattern: a clock started once the runtime had made the namespaces, cgroup and mounts.
    await run(s, 'host', `${MS_OF_DAY}
      sum=0
      for i in 1 2 3 4 5; do
        c="lv-$LAB_SESSION-c$i"
        d=$(( $(ms "$(docker logs -t "$c" 2>&1 | head -n 1 | cut -d' ' -f1)") - $(ms "$(docker inspect -f '{{.State.StartedAt}}' "$c")") ))
        [ "$d" -gt 0 ] && sum=$((sum + d))
      done
      echo $((sum / 5)) > "$LAB_WORKDIR/container-start-ms"`);
    await refused(s, 'start-containers', /you wrote \d+ ms; from Created to the first line of output, Docker's timestamps say about \d+ ms on average/);

    // Another right way: the same two ends, summed in whole milliseconds by the shell.
    await run(s, 'host', `${MS_OF_DAY}
      sum=0
      for i in 1 2 3 4 5; do
        c="lv-$LAB_SESSION-c$i"
        sum=$(( sum + $(ms "$(docker logs -t "$c" 2>&1 | head -n 1 | cut -d' ' -f1)") - $(ms "$(docker inspect -f '{{.Created}}' "$c")") ))
      done
      echo $((sum / 5)) > "$LAB_WORKDIR/container-start-ms"`);
    await passes(s, 'start-containers');
  });

  test('time-the-vm: the guest kernel\'s own clock (dmesg\'s Run /init) is refused; Created to the shell\'s first prompt line passes', async () => {
    const s = lab();
    await refused(s, 'time-the-vm', /write the VM's start time, in ms/);

    // The anti-pattern: the kernel's clock starts after QEMU loaded it and its log stops at /init.
    const initS = (await run(s, 'vm', "dmesg | sed -n 's/^\\[ *\\([0-9.]*\\)\\] Run \\/init.*/\\1/p'")).trim();
    assert.match(initS, /^\d+\.\d+$/);
    await run(s, 'host', `echo "${initS}" | awk '{ printf "%.0f\\n", $1 * 1000 }' > "$LAB_WORKDIR/vm-start-ms"`);
    await refused(s, 'time-the-vm', /you wrote \d+ ms; from the creation of lv-\w+-vm to its shell's first line, Docker's timestamps say \d+ ms/);

    // Another right way: ready when the shell's prompt first shows, a moment after its greeting.
    await run(s, 'host', `${MS_OF_DAY}
      c="lv-$LAB_SESSION-vm"
      ready=$(docker logs -t "$c" 2>&1 | grep -m1 ' / # ' | cut -d' ' -f1)
      [ -n "$ready" ]
      echo $(( $(ms "$ready") - $(ms "$(docker inspect -f '{{.Created}}' "$c")") )) > "$LAB_WORKDIR/vm-start-ms"`);
    await passes(s, 'time-the-vm');
  });

  test('sizes: the size of the whole kernel image written as the kernel\'s is refused; vmlinuz copied out of labvisor/kernel:$(uname -r) passes', async () => {
    const s = lab();
    assert.deepEqual(await s.solve('sizes'), { ok: true, messages: [] });
    const version = (await run(s, 'vm', 'uname -r')).trim();

    // The anti-pattern: the image holds every module Debian builds, not just the kernel the VM boots.
    await run(s, 'host', `docker image inspect -f '{{.Size}}' "labvisor/kernel:${version}" > "$LAB_WORKDIR/kernel-bytes"`);
    await refused(s, 'sizes', /kernel-bytes says \d+; the kernel the VM booted \(vmlinuz\) is \d+ bytes/);

    // Another right way: the same file, from the kernel image of the version the VM runs.
    await run(s, 'host', `
      c="lv-$LAB_SESSION-kernel"
      docker create --name "$c" "labvisor/kernel:${version}" none >/dev/null
      docker cp "$c:/boot/vmlinuz-${version}" - | tar -xOf - | wc -c > "$LAB_WORKDIR/kernel-bytes"
      docker rm "$c" >/dev/null`);
    await passes(s, 'sizes');
  });
});
