// The checks of the images-and-data labs (rebuild-not-patch, first-steps, volume-backup) on a real
// engine, against what learners really do: each check is given the wrong solution the lab warns
// about (a docker commit, a RUN rm in a later layer, an empty container.tar, a container export
// as a backup…), which it must refuse with a FAIL line that says why, and a correct solution the
// lab's own blocks do not show (a .dockerignore, `tar -C /data records.txt`, a restore through a
// pipe…), which it must accept. Each test runs its own session and stops it: nothing is left.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { join } from 'node:path';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { engineOrSkip, root } from './support.js';
import { accepted, refusedWith as refused, stopLeavesNothing } from './check-assertions.js';

const engine = await engineOrSkip();

describe('checks of rebuild-not-patch, first-steps and volume-backup: a wrong solution refused, another right one accepted', { skip: engine.skip, timeout: 900_000 }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;

  /** Runs fn on a started session of a bundled lab, then stops it and proves nothing is left. */
  async function withLab(id: string, fn: (s: LabSession) => Promise<void>): Promise<void> {
    const session = new LabSession(docker, info, await loadLab(join(root, 'labs', id)));
    try {
      await session.start({ trust: true });
      await fn(session);
    } catch (err) {
      await session.stop();
      throw err;
    }
    await stopLeavesNothing(docker, session);
  }

  /** Runs the solutions of the lab's steps before `stepId`, as a learner who got there. */
  async function solveUpTo(session: LabSession, stepId: string): Promise<void> {
    for (const step of session.lab.steps) {
      if (step.id === stepId) return;
      const r = await session.solve(step.id);
      assert.equal(r.ok, true, `solution of ${step.id}: ${r.messages.join('; ')}`);
    }
    throw new Error(`no step ${stepId}`);
  }

  /** A learner's commands: must succeed. */
  async function sh(session: LabSession, machine: string, script: string): Promise<string> {
    const r = await session.runScript(machine, script, 120_000);
    assert.equal(r.exitCode, 0, `in ${machine}: ${script}\n${r.output}`);
    return r.output;
  }

  // The source of v1, copied out of the running web container, with the version label raised.
  const copySource = (dir: string) => `
    docker cp "$LAB_MACHINE_WEB":/usr/src/web "$LAB_WORKDIR/${dir}"
    sed -i 's/version="1"/version="2"/' "$LAB_WORKDIR/${dir}/Dockerfile"`;

  test('rebuild-not-patch, rebuild: refuses a docker commit of the patched container, a RUN rm in a later layer and a build that kept the page; accepts a build that leaves the page out with .dockerignore', async () => {
    await withLab('rebuild-not-patch', async (s) => {
      await solveUpTo(s, 'rebuild');
      // The anti-pattern: patch the container, commit it, call it v2 (label and all).
      await sh(s, 'web', 'rm /srv/www/debug.html');
      await sh(s, 'host', `docker commit --change 'LABEL org.opencontainers.image.version=2' "$LAB_MACHINE_WEB" "lv-$LAB_SESSION-web:v2"`);
      refused(await s.check('rebuild'), /layer made by docker commit \(history: "httpd -f -p 8080 -h \/srv\/www"\)/);
      await sh(s, 'host', 'docker image rm "lv-$LAB_SESSION-web:v2"'); // untagged, it would outlive the session
      // The other one: a Dockerfile whose last line deletes the page; it stays in the COPY layer below.
      await sh(s, 'host', `${copySource('web-rm')}
        echo 'RUN rm /srv/www/debug.html' >> "$LAB_WORKDIR/web-rm/Dockerfile"
        docker build -t "lv-$LAB_SESSION-web:v2" "$LAB_WORKDIR/web-rm"
        docker run --rm --network none --name "lv-$LAB_SESSION-peek" "lv-$LAB_SESSION-web:v2" test ! -e /srv/www/debug.html`);
      refused(await s.check('rebuild'), /^layer \d+ of lv-\w+-web:v2 still holds the debug page and its key\. A later layer deletes it \(RUN rm\), which only hides it/);
      await sh(s, 'host', 'docker image rm "lv-$LAB_SESSION-web:v2"'); // untagged, it would outlive the session
      // And the fix forgotten: only the label raised.
      await sh(s, 'host', `${copySource('web-label')}
        docker build -t "lv-$LAB_SESSION-web:v2" "$LAB_WORKDIR/web-label"`);
      refused(await s.check('rebuild'), /^layer \d+ of lv-\w+-web:v2 holds the debug page and its key: delete www\/debug\.html from the source/);
      await sh(s, 'host', 'docker image rm "lv-$LAB_SESSION-web:v2"'); // untagged, it would outlive the session
      // Right, though not the step's way: the source keeps the file, the build context leaves it out.
      await sh(s, 'host', `${copySource('web-ignore')}
        echo 'www/debug.html' > "$LAB_WORKDIR/web-ignore/.dockerignore"
        docker build -t "lv-$LAB_SESSION-web:v2" "$LAB_WORKDIR/web-ignore"`);
      accepted(await s.check('rebuild'));
    });
  });

  test('rebuild-not-patch, rotate-and-retire: refuses a new key beside the leaked one still active and v1 kept under a tag of its own; accepts the rotation done from the host and that tag removed', async () => {
    await withLab('rebuild-not-patch', async (s) => {
      await solveUpTo(s, 'rotate-and-retire');
      const leaked = 'sk_test_FAKE_0000_not_a_real_key';
      // The provider never leaves the shop without a key.
      const alone = await s.runScript('payments', `keys revoke ${leaked}`, 10_000);
      assert.equal(alone.exitCode, 1);
      assert.match(alone.output, /the shop's only active key/);
      // Wrong: a new key issued, the leaked one left working; v1 untagged under its lab name but kept as lv-…-web:v1.
      await sh(s, 'payments', 'keys issue');
      await sh(s, 'host', `docker tag "$LAB_IMAGE_WEB" "lv-$LAB_SESSION-web:v1"
        docker image rm "$LAB_IMAGE_WEB"`);
      const wrong = await s.check('rotate-and-retire');
      refused(wrong, /the leaked key is still active at the payment provider/);
      refused(wrong, /lv-\w+-web:v1 is v1 under another name/);
      // Right, another way: the key revoked from the host with docker exec, read from the incident report.
      await sh(s, 'host', `docker exec "$LAB_MACHINE_PAYMENTS" keys revoke "$(grep -o 'sk_test_[A-Za-z0-9_]*' "$LAB_WORKDIR/incident.txt")"
        docker image rm "lv-$LAB_SESSION-web:v1"`);
      accepted(await s.check('rotate-and-retire'));
    });
  });

  test('first-steps, build: refuses the base image tagged as greeter:v1 (tagged, not built); accepts a Dockerfile read from stdin with a shell-form CMD', async () => {
    await withLab('first-steps', async (s) => {
      await sh(s, 'host', 'docker tag "$LAB_BASE_IMAGE" "lv-$LAB_SESSION-greeter:v1"');
      refused(await s.check('build'), /prints nothing; give the image a CMD/);
      await sh(s, 'host', `docker image rm "lv-$LAB_SESSION-greeter:v1"
        printf 'FROM labvisor/base\\nCMD echo "Hi, I was built"\\n' | docker build -t "lv-$LAB_SESSION-greeter:v1" -`);
      accepted(await s.check('build'));
    });
  });

  test('first-steps, new-version: refuses v2 built over the v1 tag; accepts a v2 built FROM v1 with its own CMD', async () => {
    await withLab('first-steps', async (s) => {
      await solveUpTo(s, 'new-version');
      // Wrong: the Dockerfile changed in place and built under both tags, so v1 changed too.
      await sh(s, 'host', `cd "$LAB_WORKDIR/greeter"
        sed -i 's/Hello from an image I built/Hello from v2/' Dockerfile
        docker build -t "lv-$LAB_SESSION-greeter:v1" -t "lv-$LAB_SESSION-greeter:v2" .`);
      refused(await s.check('new-version'), /v1 prints "Hello from v2" too: the v1 tag was built over/);
      await sh(s, 'host', 'docker image rm "lv-$LAB_SESSION-greeter:v1" "lv-$LAB_SESSION-greeter:v2"');
      // v1 built again as it was (the build step's solution), then v2 on top of it.
      assert.equal((await s.solve('build')).ok, true);
      await sh(s, 'host', `printf 'FROM lv-%s-greeter:v1\\nCMD ["echo", "Hello from v2"]\\n' "$LAB_SESSION" | docker build -t "lv-$LAB_SESSION-greeter:v2" -`);
      accepted(await s.check('new-version'));
    });
  });

  test('volume-backup, export-container: refuses an empty touch container.tar and a docker save of the image; accepts docker export -o', async () => {
    await withLab('volume-backup', async (s) => {
      await solveUpTo(s, 'export-container');
      await sh(s, 'host', 'touch "$LAB_WORKDIR/container.tar"');
      refused(await s.check('export-container'), /container\.tar is empty/);
      await sh(s, 'host', 'docker save "$LAB_IMAGE_APP" > "$LAB_WORKDIR/container.tar"');
      refused(await s.check('export-container'), /holds no bin\/ and etc\/: it is not a container's filesystem/);
      await sh(s, 'host', 'rm "$LAB_WORKDIR/container.tar"; docker export -o "$LAB_WORKDIR/container.tar" "$LAB_MACHINE_APP"');
      accepted(await s.check('export-container'));
    });
  });

  test('volume-backup, backup-volume: refuses a container export as the backup; accepts tar -C /data records.txt', async () => {
    await withLab('volume-backup', async (s) => {
      await solveUpTo(s, 'backup-volume');
      await sh(s, 'host', `docker export "$LAB_MACHINE_APP" | docker run --rm -i --network none -v "$LAB_VOLUME_BACKUPS":/backup \\
        "$LAB_BASE_IMAGE" sh -c 'gzip > /backup/records.tar.gz'`);
      refused(await s.check('backup-volume'), /records\.tar\.gz, unpacked, differs from the records volume/);
      await sh(s, 'host', `docker run --rm --network none -v "$LAB_VOLUME_RECORDS":/data:ro -v "$LAB_VOLUME_BACKUPS":/backup \\
        "$LAB_BASE_IMAGE" tar -czf /backup/records.tar.gz -C /data records.txt`);
      accepted(await s.check('backup-volume'));
      // The entry is records.txt, not ./records.txt: the later checks compare contents too.
      assert.equal((await s.solve('disaster')).ok, true);
      assert.equal((await s.solve('restore')).ok, true);
      accepted(await s.check('restore'));
      assert.equal((await s.solve('new-container')).ok, true);
      accepted(await s.check('new-container'));
    });
  });

  test('volume-backup, restore: refuses the backup unpacked into the container\'s / (the volume stays empty); accepts a restore piped into a volume docker run creates', async () => {
    await withLab('volume-backup', async (s) => {
      await solveUpTo(s, 'restore');
      refused(await s.check('restore'), /there is no volume \$LAB_VOLUME_RECORDS yet/);
      const volume = `lv-${s.id}-records`;
      await assert.rejects(docker.getVolume(volume).inspect(), /no such volume/i, 'the check never creates the volume itself');
      // Wrong: the volume mounted, but tar unpacks beside it, into the throwaway container's own /.
      await sh(s, 'host', `docker run --rm --network none -v "$LAB_VOLUME_RECORDS":/data -v "$LAB_VOLUME_BACKUPS":/backup:ro \\
        "$LAB_BASE_IMAGE" tar -xzf /backup/records.tar.gz -C /`);
      refused(await s.check('restore'), /the new records volume is empty/);
      // Right, another way: no docker volume create (docker run -v makes it), the archive through a pipe.
      await sh(s, 'host', `docker volume rm "$LAB_VOLUME_RECORDS"
        docker run --rm --network none -v "$LAB_VOLUME_BACKUPS":/backup:ro "$LAB_BASE_IMAGE" cat /backup/records.tar.gz \\
          | docker run --rm -i --network none -v "$LAB_VOLUME_RECORDS":/data "$LAB_BASE_IMAGE" tar -xzf - -C /data`);
      accepted(await s.check('restore'));
    });
  });
});
