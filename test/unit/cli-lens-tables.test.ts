// `labvisor lens images` and `lens volumes` as people read them: the tables built from the API's
// lens results (electron/cli/lens-tables.ts), and their usage errors, which come before the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageLines, size, volumeLines } from '../../electron/cli/lens-tables.js';
import { labvisor } from './cli-support.js';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/labvisor.sock' };

test('size: decimal units as docker prints them', () => {
  assert.deepEqual([0, 999, 1000, 4096, 73_200_000, 12_500_000_000].map(size), ['0 B', '999 B', '1.00 kB', '4.10 kB', '73.2 MB', '12.5 GB']);
});

test('lens images: a table of the images, then each one\'s layers oldest first, long lines cut', () => {
  const lines = imageLines({
    images: [{
      ref: 'labvisor/lab-volume-backup-app:0123456789ab', id: 'sha256:abcdef0123456789ffff', sizeBytes: 8_123_456, created: '2026-11-28T15:00:00Z', labels: {},
      layers: [
        { digest: 'sha256:1111222233334444aaaa', createdBy: 'ADD file:abc in /', sizeBytes: 7_800_000 },
        { createdBy: 'CMD ["sh"]', sizeBytes: 0 },
        { digest: 'sha256:5555666677778888bbbb', createdBy: `RUN apk add --no-cache\n    ${'pkg '.repeat(40)}`, sizeBytes: 323_456 },
      ],
    }],
  });
  assert.deepEqual(lines.slice(0, 5), [
    'IMAGE                                        ID               SIZE  LAYERS  CREATED',
    'labvisor/lab-volume-backup-app:0123456789ab  abcdef012345  8.12 MB       3  2026-11-28T15:00:00Z',
    '',
    'Layers of labvisor/lab-volume-backup-app:0123456789ab (oldest first):',
    '      SIZE  LAYER         CREATED BY',
  ]);
  assert.equal(lines[5], '   7.80 MB  111122223333  ADD file:abc in /');
  assert.equal(lines[6], '       0 B  -             CMD ["sh"]', 'a line that adds no layer has no digest');
  assert.match(lines[7]!, /^ {2}323\.5 kB {2}555566667777 {2}RUN apk add --no-cache pkg pkg .*…$/, 'on one line, cut');
  assert.equal(lines[7]!.length, 2 + 8 + 2 + 12 + 2 + 100);
  assert.deepEqual(imageLines({ images: [] }), ['This session has no images on the engine.']);
});

test('lens volumes: the files, then the backups with how many of the files each holds', () => {
  const lines = volumeLines({
    volume: 'records', dockerName: 'lv-k3x9p2ab-records', exists: true, totalBytes: 1057,
    files: [{ path: 'records.txt', sizeBytes: 57 }, { path: 'sub/big.bin', sizeBytes: 1000 }],
    backups: [
      { file: 'backups/records.tar.gz', sizeBytes: 180, modified: '2026-11-28T15:05:00.000Z', holdsVolumeFiles: 2 },
      { file: 'backups/app-container.tar', sizeBytes: 9_000_000, modified: '2026-11-28T15:04:00.000Z', holdsVolumeFiles: 0 },
      { file: 'backups/records.zip', sizeBytes: 200, modified: '2026-11-28T15:06:00.000Z' },
    ],
  });
  assert.deepEqual(lines, [
    'records (lv-k3x9p2ab-records): 2 file(s), 1.06 kB',
    '     SIZE  FILE',
    '     57 B  records.txt',
    '  1.00 kB  sub/big.bin',
    '  Backups of records (in the lab\'s other volumes):',
    '       SIZE  MODIFIED                  HOLDS  FILE',
    '      180 B  2026-11-28T15:05:00.000Z    2/2  backups/records.tar.gz',
    '    9.00 MB  2026-11-28T15:04:00.000Z    0/2  backups/app-container.tar',
    '      200 B  2026-11-28T15:06:00.000Z      ?  backups/records.zip',
  ]);
  assert.deepEqual(volumeLines({ volume: 'backups', dockerName: 'lv-k3x9p2ab-backups', exists: true, totalBytes: 0, files: [], backups: [] }),
    ['backups (lv-k3x9p2ab-backups): 0 file(s), 0 B', '  no backups of it in the lab\'s other volumes']);
  assert.deepEqual(volumeLines({ volume: 'records', dockerName: 'lv-k3x9p2ab-records', exists: false, totalBytes: 0, files: [], backups: [] }),
    ['records (lv-k3x9p2ab-records): not on the engine (not made yet, or removed)']);
});

test('lens images|volumes: the session is their first word; a missing or bad one is a usage error before the engine', async () => {
  for (const args of [['lens', 'images'], ['lens', 'volumes'], ['lens', 'images', 'k3x9p2ab', 'extra'], ['lens', 'volumes', 'k3x9p2ab', 'records', 'extra'], ['lens', 'images', '--session', 'k3x9p2ab']]) {
    const r = await labvisor(args, NO_ENGINE);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /labvisor lens volumes SESSION \[VOLUME\] \[--json\]/, args.join(' '));
  }
  const bad = await labvisor(['lens', 'volumes', 'NOT-AN-ID'], NO_ENGINE);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"NOT-AN-ID" is not a session id/);
  const typo = await labvisor(['lens', 'volume', 'k3x9p2ab'], NO_ENGINE);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown lens "volume" \(did you mean "volumes"\?\)/);
});
