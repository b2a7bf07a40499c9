// The check and questions of the bundled lab breakout judge what the learner reached, not which
// commands they typed: for the check and each question, a wrong way — the anti-pattern its step
// warns about, or a guessed answer — is refused with a message that says why, and another right
// way than the lab's own solution passes. (`labvisor test` proves the check fails first and passes
// after the lab's solution, and each question refuses a wrong answer and accepts the right one.)
// Nothing here writes to the Docker host's disk: every mount of it is made read-only before it is
// read, but one, which is never read and is unmounted at once. One session, its VM booted once; it
// stops with nothing left.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WRONG_ANSWER } from '../../electron/engine/checks/answer-question.js';
import { engineOrSkip, vmSkip } from './support.js';
import { bundledLabSession, checkPasses as passes, checkRefuses as refused, mustRun as run } from './check-assertions.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'the breakout check tests');

/** Host-terminal shell: the disk that holds Docker's data, as the host view's /etc/hostname mount says. */
const DISK = `
line=$(grep ' /etc/hostname ' /proc/self/mountinfo)
mm=$(echo "$line" | cut -d' ' -f3)
set -- $(echo "$line" | sed 's/.* - //'); fstype=$1
name=$(sed -n 's/^DEVNAME=//p' "/sys/dev/block/$mm/uevent")`;

const wrongAnswer = { ok: false, messages: [WRONG_ANSWER] };
const rightAnswer = { ok: true, messages: [] };

describe('breakout: the socket, a container with the host\'s disk, and the same attempt from a VM', { skip }, () => {
  const s = bundledLabSession(engine, 'breakout');


  test('socket: the host terminal\'s own hostname (docker-host) is refused; the Docker host\'s /etc alone, mounted through the socket, gives the right one', async () => {
    // The anti-pattern: `hostname` in the host terminal, which is a container too.
    assert.equal((await run(s(), 'host', 'hostname')).trim(), 'docker-host');
    assert.deepEqual(await s().answer('socket', 'docker-host'), wrongAnswer);

    // Another right way: not the whole `/`, only the Docker host's /etc, and shouted.
    const name = (await run(s(), 'host', `docker run --rm --name "lv-$LAB_SESSION-etc" --network none -v /etc:/e:ro "$LAB_BASE_IMAGE" cat /e/hostname`)).trim();
    assert.match(name, /^[A-Za-z0-9.-]+$/);
    assert.notEqual(name, 'docker-host');
    assert.deepEqual(await s().answer('socket', name.toUpperCase()), rightAnswer);
  });

  test('privileged: capabilities without the disk, the disk without SYS_ADMIN, and the tenant\'s volume mounted are refused; Docker\'s default capabilities plus SYS_ADMIN and the disk under another name pass', async () => {
    await refused(s(), 'privileged', /there is no container lv-\w+-priv yet/);

    // The anti-patterns: "give it capabilities" without the device; the device without the
    // capability to mount it; or the tenant's volume itself, which makes the challenge moot.
    await run(s(), 'host', `docker run -d --name "lv-$LAB_SESSION-priv" --network none --memory 64m --cap-add SYS_ADMIN "$LAB_BASE_IMAGE" sleep 600 >/dev/null`);
    await refused(s(), 'privileged', /lv-\w+-priv has not got the disk that holds Docker's data \(\/dev\/\S+, \d+:\d+\): remove it/);
    await run(s(), 'host', `${DISK}
      docker rm -f "lv-$LAB_SESSION-priv" >/dev/null
      docker run -d --name "lv-$LAB_SESSION-priv" --network none --memory 64m --cap-drop ALL --device "/dev/$name" "$LAB_BASE_IMAGE" sleep 600 >/dev/null`);
    await refused(s(), 'privileged', /lv-\w+-priv has the disk's device but cannot mount it: mounting needs the capability SYS_ADMIN/);
    await run(s(), 'host', `${DISK}
      docker rm -f "lv-$LAB_SESSION-priv" >/dev/null
      docker run -d --name "lv-$LAB_SESSION-priv" --network none --memory 64m --cap-add SYS_ADMIN --device "/dev/$name" \\
        -v "$LAB_VOLUME_VAULT:/loot:ro" "$LAB_BASE_IMAGE" sleep 600 >/dev/null`);
    await refused(s(), 'privileged', /lv-\w+-priv has the tenant's volume mounted: the challenge is to reach it without/);
    await run(s(), 'host', 'docker rm -f "lv-$LAB_SESSION-priv" >/dev/null');
    await refused(s(), 'privileged', /there is no container lv-\w+-priv yet/);

    // Another right way: Docker's default capabilities (not --cap-drop ALL) plus SYS_ADMIN, and
    // the disk found through sysfs, under another name in the container.
    await run(s(), 'host', `${DISK}
      docker run -d --name "lv-$LAB_SESSION-priv" --network none --memory 64m --cap-add sys_admin \\
        --device "/dev/$name:/dev/hostdisk" "$LAB_BASE_IMAGE" sleep 600 >/dev/null`);
    await passes(s(), 'privileged');
  });

  test('steal-the-secret: nothing mounted, a read-write mount of the host\'s disk, and a guessed key are refused; only the volumes folder bind-mounted read-only, searched with find, gives the right key', async () => {
    // Nothing of the disk mounted in priv yet: there is no answer to compare with, and the
    // learner is told what to do first.
    const none = await s().answer('steal-the-secret', '0123456789abcdef0123456789abcdef');
    assert.equal(none.ok, false);
    assert.match(none.messages.join('\n'), /Could not compute the answer in "host": the Docker host's disk is not mounted in lv-\w+-priv: mount it there first, read-only/);
    // priv cannot read the tenant's volume where the tenant has it.
    assert.equal((await s().runScript('host', 'docker exec "lv-$LAB_SESSION-priv" cat /vault/api-key', 30_000)).exitCode, 1);

    // The anti-pattern: the live disk mounted read-write. (Mounted with noatime, never read, and
    // unmounted at once: nothing is written.)
    await run(s(), 'host', `${DISK}
      docker exec "lv-$LAB_SESSION-priv" sh -c "mkdir -p /mnt/rw && mount -t $fstype -o noatime /dev/hostdisk /mnt/rw"`);
    const rw = await s().answer('steal-the-secret', '0123456789abcdef0123456789abcdef');
    assert.equal(rw.ok, false);
    assert.match(rw.messages.join('\n'), /Could not compute the answer in "host": the Docker host's disk is mounted read-write at \/mnt\/rw in lv-\w+-priv: make it read-only before you read \(mount -o remount,ro,bind \/mnt\/rw\)/);
    await run(s(), 'host', 'docker exec "lv-$LAB_SESSION-priv" umount /mnt/rw');

    // Another right way: mount the disk, bind only Docker's volumes folder read-only, drop the
    // whole-disk mount before reading anything, and find the key by name.
    await run(s(), 'host', `${DISK}
      data=$(echo "$line" | cut -d' ' -f4); data=\${data%/containers/*}
      docker exec "lv-$LAB_SESSION-priv" sh -c "mkdir -p /mnt/disk /volumes && mount -t $fstype -o noatime /dev/hostdisk /mnt/disk && mount --bind /mnt/disk$data/volumes /volumes && mount -o remount,ro,bind /volumes && umount /mnt/disk"`);
    const mounts = await run(s(), 'host', 'docker exec "lv-$LAB_SESSION-priv" cat /proc/self/mountinfo');
    assert.match(mounts, /^\S+ \S+ \d+:\d+ \S*\/volumes \/volumes ro,/m, 'the volumes folder is mounted read-only');
    assert.doesNotMatch(mounts, / \/mnt\/disk /, 'the whole-disk mount is gone');
    assert.equal((await s().runScript('host', 'docker exec "lv-$LAB_SESSION-priv" touch /volumes/probe', 30_000)).exitCode, 1, 'read-only');
    const key = (await run(s(), 'host', `docker exec "lv-$LAB_SESSION-priv" sh -c "cat \\$(find /volumes -path '*/$LAB_VOLUME_VAULT/_data/api-key')"`)).trim();
    assert.match(key, /^[0-9a-f]{32}$/);

    // A guess of the same form is refused; the key read off the disk is the tenant's.
    const guess = (await run(s(), 'host', "head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'")).trim();
    assert.notEqual(guess, key);
    assert.deepEqual(await s().answer('steal-the-secret', guess), wrongAnswer);
    assert.deepEqual(await s().answer('steal-the-secret', key), rightAnswer);
    assert.equal((await run(s(), 'tenant', 'cat /vault/api-key')).trim(), key, 'the tenant\'s own copy');
    await run(s(), 'host', 'docker exec "lv-$LAB_SESSION-priv" umount /volumes');
  });

  test('from-a-vm: root in the VM makes a node with the host disk\'s numbers but cannot open or mount it; "read-only" is refused, "nothing" accepted', async () => {
    const mm = (await run(s(), 'host', 'grep " /etc/hostname " /proc/self/mountinfo | cut -d" " -f3')).trim();
    assert.match(mm, /^\d+:\d+$/);
    const [major, minor] = mm.split(':');
    // Every capability of the VM's own kernel (as many bits as that kernel knows, all set).
    assert.match(await run(s(), 'vm', 'grep CapEff /proc/self/status'), /CapEff:\s+0*1f+\n/);
    // The VM's kernel lists none of the Docker host's disks.
    const hostDisks = (await run(s(), 'host', 'awk \'NR > 2 && $4 { print $4 }\' /proc/partitions')).trim().split('\n');
    const vmParts = await run(s(), 'vm', 'cat /proc/partitions');
    for (const d of hostDisks) assert.doesNotMatch(vmParts, new RegExp(`\\s${d}$`, 'm'), `the VM lists ${d}`);
    // A node with the host disk's numbers: made, but neither read nor mounted.
    const opened = await s().runScript('vm', `mknod /tmp/hostdisk b ${major} ${minor} && echo made && head -c 512 /tmp/hostdisk | wc -c`, 30_000);
    assert.match(opened.output, /^made$/m);
    assert.match(opened.output, /No such device or address/);
    const mounted = await s().runScript('vm', 'mkdir -p /mnt/h && mount -o ro /tmp/hostdisk /mnt/h', 30_000);
    assert.notEqual(mounted.exitCode, 0, mounted.output);

    assert.deepEqual(await s().answer('from-a-vm', 'The disk, but only read-only'), wrongAnswer);
    assert.deepEqual(await s().answer('from-a-vm', 'Nothing: the VM\'s kernel knows only its own virtual devices, and no device of its has those numbers'), rightAnswer);
  });
});
