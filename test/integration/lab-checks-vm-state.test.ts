// The checks and questions of the bundled lab vm-state judge what happened to the VM's disk and
// the app's volume, not which commands were typed: for each check and question, a wrong way — the
// anti-pattern its step warns about, or a guess — is refused with a message that says why, and
// another right way than the lab's own solution passes. (`labvisor test` proves each check fails
// first and passes after the lab's solution, and each question refuses a wrong answer and accepts
// the right one.) One session, in step order; its VM reboots in place twice (same QEMU); it
// stops with nothing left.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONG_ANSWER } from '../../electron/engine/checks/answer-question.js';
import { engineOrSkip, vmSkip } from './support.js';
import { bundledLabSession, checkPasses as passes, checkRefuses as refused, mustRun as run } from './check-assertions.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'the vm-state check tests');

const wrongAnswer = { ok: false, messages: [WRONG_ANSWER] };
const rightAnswer = { ok: true, messages: [] };

/** Host-terminal shell: how many times the VM's console said its kernel restarted. */
const REBOOTS = `docker logs "lv-$LAB_SESSION-vm" 2>&1 | grep -c 'reboot: Restarting system' || true`;
/** Host-terminal shell: the Docker host's PID of the VM's QEMU, the first process of its runner. */
const QEMU_PID = `docker inspect -f '{{.State.Pid}}' "lv-$LAB_SESSION-vm"`;
/** A throwaway container with the lab's volumes: the VM's disk at /disk, the backups at /backup, the app's data at /data. */
const HELPER = `docker run --rm -i --network none -v "$LAB_VOLUME_VM_DISK":/disk -v "$LAB_VOLUME_BACKUPS":/backup -v "$LAB_VOLUME_APP_DATA":/data "$LAB_BASE_IMAGE"`;

describe('vm-state: a reboot, the disk as a file, a snapshot against a volume backup, and the restore of both', { skip }, () => {
  const s = bundledLabSession(engine, 'vm-state');
  let qemuPid = '';

  /** Runs `how` in the VM (in the background, so the agent answers first) and waits until the kernel has restarted. */
  async function rebootVm(how: string): Promise<void> {
    const before = Number((await run(s(), 'host', REBOOTS)).trim());
    await run(s(), 'vm', `(sleep 0.5; ${how}) >/dev/null 2>&1 &`);
    await run(s(), 'host', `i=0; until [ "$(${REBOOTS})" -gt ${before} ]; do i=$((i + 1)); [ $i -lt 180 ] || exit 1; sleep 0.5; done`, 100_000);
  }

  test('reboot: records kept only in /root (gone after the reboot), and records on /data with no reboot, are refused; records written with tee, then a reboot by signalling init (kill -TERM 1), pass', async () => {
    qemuPid = (await run(s(), 'host', QEMU_PID)).trim();
    assert.match(qemuPid, /^\d+$/);
    await refused(s(), 'reboot', /there is no \/data\/records\.txt in the VM/);

    // The anti-pattern: state kept in the VM's root filesystem, which a reboot unpacks from the image again.
    const firstBoot = (await run(s(), 'vm', `printf 'order 1\\norder 2\\norder 3\\n' > /root/records.txt; cat /proc/sys/kernel/random/boot_id`)).trim();
    await rebootVm('reboot');
    const after = await run(s(), 'vm', 'cat /proc/sys/kernel/random/boot_id; ls /root', 90_000);
    assert.notEqual(after.split('\n')[0], firstBoot, 'a new boot');
    assert.doesNotMatch(after, /records\.txt/, '/root is the image\'s again');
    await refused(s(), 'reboot', /there is no \/data\/records\.txt in the VM/);

    // The other anti-pattern: the records on the disk, but no reboot to prove they survive one.
    await run(s(), 'vm', `printf '%s\\n' "order 1: three coffees" "order 2: one croissant" "order 3: two teas" | tee /data/records.txt >/dev/null; sleep 2`);
    await refused(s(), 'reboot', /\/data\/records\.txt was written after the VM last booted \(\d\d:\d\d:\d\d\): type reboot in the vm terminal/);

    // Another right way to reboot: the signal busybox's reboot sends to init.
    await rebootVm('kill -TERM 1');
    await passes(s(), 'reboot');
    assert.equal((await run(s(), 'vm', 'cat /data/records.txt')).split('\n')[2], 'order 3: two teas');
    assert.equal((await run(s(), 'host', QEMU_PID)).trim(), qemuPid, 'the same QEMU: the VM rebooted in place');
  });

  test('one-file: the size disk.img claims (128 MiB as KiB) is refused; what ls -ls says it takes passes', async () => {
    // The anti-pattern: the apparent size, 131072 KiB, read off `ls -l`.
    assert.deepEqual(await s().answer('one-file', '131072'), wrongAnswer);

    // Another right way than du -k: the first column of ls -ls.
    const blocks = (await run(s(), 'host', `${HELPER} sh -c 'ls -ls /disk/disk.img' | awk '{ print $1 }'`)).trim();
    assert.match(blocks, /^\d+$/);
    assert.ok(Number(blocks) < 131072 / 4, `disk.img is sparse: ${blocks} KiB`);
    assert.deepEqual(await s().answer('one-file', ` ${blocks} `), rightAnswer);
  });

  test('snapshot: a copy taken while /data is read-write, and /data left read-only after a clean copy, are refused; a dd copy while /data is unmounted, then mounted again, passes', async () => {
    await refused(s(), 'snapshot', /there is no vm-disk\.img in the backups volume yet/);

    // The anti-pattern: copy the live disk, while the VM may write to it.
    await run(s(), 'host', `${HELPER} cp /disk/disk.img /backup/vm-disk.img`);
    await refused(s(), 'snapshot', /vm-disk\.img was copied while the VM had \/data mounted read-write: its file system is marked in use/);

    // A clean copy, but the VM is left without a writable /data.
    await run(s(), 'vm', 'sync; mount -o remount,ro /data');
    await run(s(), 'host', `${HELPER} cp /disk/disk.img /backup/vm-disk.img`);
    await refused(s(), 'snapshot', /\/data is not mounted read-write in the VM: the snapshot is taken, give the VM its disk back/);

    // Another right way: unmount instead of read-only, copy with dd, mount the disk again by hand.
    const dev = (await run(s(), 'vm', `awk '$2 == "/data" { print $1 }' /proc/mounts`)).trim();
    assert.match(dev, /^\/dev\/vd[a-z]$/);
    await run(s(), 'vm', 'cd / && mount -o remount,rw /data && umount /data');
    await run(s(), 'host', `${HELPER} dd if=/disk/disk.img of=/backup/vm-disk.img bs=1M 2>/dev/null`);
    await run(s(), 'vm', `mount -t ext4 ${dev} /data`);
    await passes(s(), 'snapshot');
  });

  test('backup: a "container backup" (docker export) is refused; the volume packed by tar in the app, streamed out through docker exec, passes', async () => {
    await refused(s(), 'backup', /the app's \/data\/records\.txt holds no records, not 3: write them in the app terminal first/);
    await run(s(), 'app', `printf '%s\\n' "order 1: three coffees" "order 2: one croissant" "order 3: two teas" > /data/records.txt`);

    // The anti-pattern: back up the container; its export leaves the volume out.
    await run(s(), 'host', `docker export "$LAB_MACHINE_APP" | gzip | ${HELPER} sh -c 'cat > /backup/app-data.tar.gz'`);
    await refused(s(), 'backup', /app-data\.tar\.gz, unpacked, differs from the app-data volume/);

    // Another right way: tar in the app itself, its archive streamed into the backups volume.
    await run(s(), 'host', `docker exec "$LAB_MACHINE_APP" tar -czf - -C /data . | ${HELPER} sh -c 'cat > /backup/app-data.tar.gz'`);
    await passes(s(), 'backup');
  });

  test('compare: "the snapshot holds the VM\'s operating system" is refused; the file system around the records passes', async () => {
    assert.deepEqual(await s().answer('compare', 'The VM\'s operating system, so the snapshot alone can boot the VM'), wrongAnswer);
    assert.deepEqual(await s().answer('compare', 'The files the VM kept in /root and /tmp'), wrongAnswer);
    // What the learner is shown: the records, and the file system's own names, in the snapshot.
    const words = await run(s(), 'host', `${HELPER} sh -c 'strings /backup/vm-disk.img' | grep -x -e lost+found -e records.txt -e 'order 2: one croissant' | sort -u`);
    assert.deepEqual(words.trim().split('\n'), ['lost+found', 'order 2: one croissant', 'records.txt']);
    assert.deepEqual(await s().answer('compare', 'A whole file system (its superblock, inode tables, lost+found and free blocks) around the same few records'), rightAnswer);
  });

  test('accident: the VM\'s records deleted but the app\'s kept is refused; both deleted (in the app, its one file by name) passes', async () => {
    await refused(s(), 'accident', /the VM's \/data still holds records\.txt: run the accident in the vm terminal/);
    await run(s(), 'vm', 'rm -rf /data/*');
    await refused(s(), 'accident', /the app's \/data still holds records\.txt: run the accident in the app terminal too/);
    await run(s(), 'app', 'rm /data/records.txt');
    await passes(s(), 'accident');
  });

  test('restore: the snapshot copied under a mounted /data with no reboot, and records typed again, are refused; unmount, dd, mount (no reboot) and the archive unpacked through docker exec pass', async () => {
    await refused(s(), 'restore', /the VM's \/data has no records\.txt: put vm-disk\.img back as the VM's disk\.img while the VM has \/data unmounted/);

    // The anti-pattern: the disk replaced under the VM's mounted file system, which keeps what it read.
    await run(s(), 'host', `${HELPER} cp /backup/vm-disk.img /disk/disk.img`);
    await refused(s(), 'restore', /the VM's \/data has no records\.txt/);

    // The other anti-pattern: the records typed again, not restored.
    await run(s(), 'vm', `printf '%s\\n' "order 1: three coffees" "order 2: one croissant" "order 3: two teas" > /data/records.txt; sleep 1`);
    await refused(s(), 'restore', /records\.txt on the VM's \/data was written after \/data was mounted \(\d\d:\d\d:\d\d\): it was typed again, not restored from the snapshot/);

    // Another right way for the VM: let go of /data, put the snapshot back with dd, mount it again —
    // no reboot. (The unmount flushed the VM's stale blocks over the disk: it is put back after it.)
    const dev = (await run(s(), 'vm', `awk '$2 == "/data" { print $1 }' /proc/mounts`)).trim();
    await run(s(), 'vm', 'cd / && umount /data');
    await run(s(), 'host', `${HELPER} dd if=/backup/vm-disk.img of=/disk/disk.img bs=1M 2>/dev/null`);
    await run(s(), 'vm', `mount -t ext4 ${dev} /data`);
    await refused(s(), 'restore', /the app-data volume has no records\.txt: unpack app-data\.tar\.gz into it/);

    // And for the app: the archive streamed into tar in the running app.
    await run(s(), 'host', `${HELPER} cat /backup/app-data.tar.gz | docker exec -i "$LAB_MACHINE_APP" tar -xzf - -C /data`);
    await passes(s(), 'restore');
    assert.equal((await run(s(), 'vm', 'cat /data/records.txt; ls /data')), 'order 1: three coffees\norder 2: one croissant\norder 3: two teas\nlost+found\nrecords.txt\n');
    assert.equal((await run(s(), 'host', QEMU_PID)).trim(), qemuPid, 'the same QEMU all along');
  });
});
