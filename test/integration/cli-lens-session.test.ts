// `labvisor lens images SESSION` and `lens volumes SESSION [VOLUME]` on a real kept lab
// (volume-backup, caught up to the step after its backup: a lab image, a volume with records and
// a backup of it in the other volume), as scripts and people read them from another process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { ImageLens, VolumeLens } from '../../electron/shared/api.js';
import { cli, engineOrSkip, labelled, nothing } from './support.js';

const engine = await engineOrSkip();

describe('lens images and volumes of a kept session', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  let session: string;

  before(async () => {
    const r = await cli(['run', 'volume-backup', '--to', 'disaster', '--keep', '--json']);
    assert.equal(r.code, 0, r.stderr);
    session = (JSON.parse(r.stdout) as { session: string }).session;
  });

  after(async () => {
    if (!session) return;
    assert.equal((await cli(['stop', session])).code, 0);
    assert.deepEqual(await labelled(docker, session), nothing);
  });

  test('images: the lab image the app runs, with its layers; the table on stdout', async () => {
    const json = await cli(['lens', 'images', session, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const lens = JSON.parse(json.stdout) as ImageLens & { schemaVersion: number };
    assert.equal(lens.schemaVersion, 1);
    const app = (await docker.getContainer(`lv-${session}-app`).inspect()).Config.Image;
    assert.deepEqual(lens.images.map((i) => i.ref), [app]);
    assert.match(app, /^labvisor\/lab-volume-backup-app:/);
    assert.ok(lens.images[0]!.layers.some((l) => l.digest), 'layers paired with their digests');

    const text = await cli(['lens', 'images', session]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^IMAGE +ID +SIZE +LAYERS +CREATED\\n${app.replace(/[.]/g, '\\.')} +[0-9a-f]{12} `));
    assert.match(text.stdout, /^Layers of .* \(oldest first\):$/m);
  });

  test('volumes: the records, and the backup in the other volume holding them; one volume by name', async () => {
    const json = await cli(['lens', 'volumes', session, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const { schemaVersion, volumes } = JSON.parse(json.stdout) as { schemaVersion: number; volumes: VolumeLens[] };
    assert.equal(schemaVersion, 1);
    assert.deepEqual(volumes.map((v) => [v.volume, v.dockerName, v.exists]), [['records', `lv-${session}-records`, true], ['backups', `lv-${session}-backups`, true]]);
    const records = volumes[0]!;
    assert.deepEqual(records.files.map((f) => f.path), ['records.txt']);
    assert.deepEqual(records.backups.map((b) => [b.file, b.holdsVolumeFiles]), [['backups/records.tar.gz', 1]]);

    const one = await cli(['lens', 'volumes', session, 'records']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`^records \\(lv-${session}-records\\): 1 file\\(s\\), `));
    assert.match(one.stdout, /^ +\d+ B +records\.txt$/m);
    assert.match(one.stdout, /^ +\S+ \S+ +\S+ +1\/1 +backups\/records\.tar\.gz$/m);
    assert.doesNotMatch(one.stdout, /^backups \(/m, 'only the volume asked for');

    const typo = await cli(['lens', 'volumes', session, 'record']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /lab "volume-backup" has no volume "record" \(did you mean "records"\?\); it has: records, backups/);
  });
});
