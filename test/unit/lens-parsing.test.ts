// What the lenses read, parsed: /proc status and cgroup lines of both cgroup versions and
// drivers, the helper's dump, the kernel facts, docker stats' memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerIdFromCgroup, parseProcDump, parseStatus } from '../../electron/engine/lenses/proc-table.js';
import { parseFacts } from '../../electron/engine/lenses/kernel-lens.js';
import { containerMemoryKb } from '../../electron/engine/lenses/footprint.js';
import { cleanCreatedBy, layersOf } from '../../electron/engine/lenses/image-lens.js';
import { countHeld, parseFileList, parseLensDump } from '../../electron/engine/lenses/volume-lens.js';

const ID = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + 'b'.repeat(4);

test('status: name, parent, the PID in every namespace, resident memory', () => {
  const s = parseStatus('Name:\tsleep\nState:\tS (sleeping)\nPPid:\t812\nNSpid:\t4242\t7\nVmRSS:\t    1024 kB\n');
  assert.deepEqual(s, { name: 'sleep', ppid: 812, nspid: [4242, 7], rssKb: 1024 });
  assert.equal(parseStatus('Name:\tkthreadd\nPPid:\t0\nNSpid:\t2\n').rssKb, 0, 'kernel threads have no VmRSS');
});

test('cgroup: the container id from cgroupfs and systemd drivers, v1 and v2; none for host processes', () => {
  assert.equal(ID.length, 64);
  assert.equal(containerIdFromCgroup(`0::/docker/${ID}\n`), ID);
  assert.equal(containerIdFromCgroup(`0::/system.slice/docker-${ID}.scope\n`), ID);
  assert.equal(containerIdFromCgroup(`12:memory:/docker/${ID}\n11:pids:/docker/${ID}\n`), ID);
  assert.equal(containerIdFromCgroup('0::/user.slice/user-1000.slice/session-2.scope\n'), undefined);
  assert.equal(containerIdFromCgroup('0::/system.slice/docker.service\n'), undefined, 'dockerd itself is a host process');
});

test('the helper dump is read like /proc', () => {
  const dump = [
    '@@lv-proc 1', 'Name:\tinit', 'PPid:\t0', 'NSpid:\t1', 'VmRSS:\t 900 kB', '@@lv-proc-cgroup', '0::/init.scope', '@@lv-proc-cmdline', '/sbin/init splash ',
    `@@lv-proc 4242`, 'Name:\tsleep', 'PPid:\t4200', 'NSpid:\t4242\t1', 'VmRSS:\t 64 kB', '@@lv-proc-cgroup', `0::/docker/${ID}`, '@@lv-proc-cmdline', 'sleep 4242 ',
    '@@lv-proc 2', 'Name:\tkthreadd', 'PPid:\t0', 'NSpid:\t2', '@@lv-proc-cgroup', '0::/', '@@lv-proc-cmdline', '',
  ].join('\n');
  assert.deepEqual(parseProcDump(dump), [
    { pid: 1, ppid: 0, nspid: [1], command: '/sbin/init splash', rssKb: 900 },
    { pid: 2, ppid: 0, nspid: [2], command: '[kthreadd]', rssKb: 0 },
    { pid: 4242, ppid: 4200, nspid: [4242, 1], command: 'sleep 4242', rssKb: 64, containerId: ID },
  ]);
  // A command line that holds the marker (a script quoting it) makes no process of its own.
  const quoted = `@@lv-proc 7\nName:\tsh\nPPid:\t1\n@@lv-proc-cgroup\n0::/\n@@lv-proc-cmdline\nsh -c echo "@@lv-proc $p" \n`;
  assert.deepEqual(parseProcDump(quoted).map((p) => p.pid), [7]);
});

test('kernel facts: six lines, a real boot id or nothing', () => {
  const facts = parseFacts('6.1.0-56-cloud-amd64\n18e5b33a-2f5b-488d-834a-3a445ebe4c0d\n13.52\n224000\n1\nvm\n');
  assert.deepEqual(facts, { kernel: '6.1.0-56-cloud-amd64', bootId: '18e5b33a-2f5b-488d-834a-3a445ebe4c0d', uptimeS: 13.52, memTotalKb: 224000, cpus: 1, hostname: 'vm' });
  assert.equal(parseFacts('sh: uname: not found\n'), undefined);
  assert.equal(parseFacts(''), undefined);
});

test('container memory as docker stats shows it: usage minus inactive page cache', () => {
  assert.equal(containerMemoryKb({ memory_stats: { usage: 10 * 1024 * 1024, stats: { inactive_file: 2 * 1024 * 1024 } } }), 8 * 1024);
  assert.equal(containerMemoryKb({ memory_stats: { usage: 4096, stats: { total_inactive_file: 1024 } } }), 3);
  assert.equal(containerMemoryKb({}), 0);
});

test('image history: Dockerfile lines paired with the layers they made; metadata lines make none', () => {
  const history = [ // newest first, as the engine gives it
    { CreatedBy: '/bin/sh -c #(nop)  CMD ["httpd"]', Size: 0 },
    { CreatedBy: '/bin/sh -c rm /srv/debug.html', Size: 0 },
    { CreatedBy: '/bin/sh -c #(nop) COPY dir:abc in /srv ', Size: 120 },
    { CreatedBy: '/bin/sh -c #(nop)  LABEL io.labvisor.role=image', Size: 0 },
    { CreatedBy: '', Size: 1985598 },
  ];
  assert.deepEqual(layersOf(history, ['sha256:base', 'sha256:copy', 'sha256:rm']), [
    { createdBy: '(a root filesystem imported with docker import)', sizeBytes: 1985598, digest: 'sha256:base' },
    { createdBy: 'LABEL io.labvisor.role=image', sizeBytes: 0 },
    { createdBy: 'COPY dir:abc in /srv', sizeBytes: 120, digest: 'sha256:copy' },
    { createdBy: 'RUN rm /srv/debug.html', sizeBytes: 0, digest: 'sha256:rm' },
    { createdBy: 'CMD ["httpd"]', sizeBytes: 0 },
  ]);
  assert.ok(layersOf(history, ['sha256:only-one']).every((l) => l.digest === undefined), 'no guessing when they do not pair');
  assert.equal(cleanCreatedBy('ENV A=1'), 'ENV A=1', 'BuildKit lines stay as they are');
});

test('volume files from the helper, and which archives hold them', () => {
  const files = parseFileList('37 records.txt\n4 sub/dir/a b.txt\nstat: oops\n');
  assert.deepEqual(files, [{ path: 'records.txt', sizeBytes: 37 }, { path: 'sub/dir/a b.txt', sizeBytes: 4 }]);
  assert.equal(countHeld(['records.txt', 'sub/dir/a b.txt'], files), 2, 'a volume backup (tar -C /data .)');
  assert.equal(countHeld(['bin/busybox', 'etc/passwd', 'data/'], files), 0, 'a container export: /data was a volume');
  assert.equal(countHeld(['data/records.txt'], files), 1, 'a copy taken from the mount path');
});

test('the helper dump: the volume\'s files, and the archives in the other volumes with the names in each', () => {
  const dump = [
    'F 37 records.txt', 'F 4 sub/dir/a b.txt',
    'A 185 1795824000 backups/records.tar.gz', 'E ./', 'E ./records.txt', 'E ./sub/', 'E ./sub/dir/a b.txt',
    'A 2048 1795824060 backups/container.tar', 'E bin/', 'E bin/busybox', 'E data/',
    'A 8 1795824100 backups/broken.tar.gz', 'X',
    'A 20 1795824200 other/photos.zip',
    'A nonsense',
  ].join('\n');
  const { files, archives } = parseLensDump(dump);
  assert.deepEqual(files, [{ path: 'records.txt', sizeBytes: 37 }, { path: 'sub/dir/a b.txt', sizeBytes: 4 }]);
  assert.deepEqual(archives, [
    { file: 'backups/records.tar.gz', sizeBytes: 185, modified: '2026-11-28T00:00:00.000Z', entries: ['', 'records.txt', 'sub/', 'sub/dir/a b.txt'] },
    { file: 'backups/container.tar', sizeBytes: 2048, modified: '2026-11-28T00:01:00.000Z', entries: ['bin/', 'bin/busybox', 'data/'] },
    { file: 'backups/broken.tar.gz', sizeBytes: 8, modified: '2026-11-28T00:01:40.000Z' },
    { file: 'other/photos.zip', sizeBytes: 20, modified: '2026-11-28T00:03:20.000Z' },
  ], 'a tar that cannot be read and a zip have no names: they are not compared');
  assert.equal(countHeld(archives[0]!.entries!, files), 2);
  assert.equal(countHeld(archives[1]!.entries!, files), 0);
  const many = ['A 1 0 b/huge.tar', ...Array.from({ length: 20_001 }, (_, i) => `E f${i}`)].join('\n');
  assert.equal(parseLensDump(many).archives[0]!.entries, undefined, 'more names than the helper reads: not compared, rather than a wrong count');
  assert.deepEqual(parseLensDump(''), { files: [], archives: [] });
});
