// The checks and questions of image-layers on a real engine, against what learners really do: each
// is given the wrong solution the lab warns about (the base image tagged as v1, the history's lines
// counted as layers, v1 tagged as v2, the code copied before the install, a --no-cache rebuild, a
// token that is not the one in the image, the leaky image with its RUN rm tagged as clean, the
// token as a build argument), which it must refuse, with a FAIL line that says why for a check;
// and a correct solution the lab's own blocks do not show (a v1 of three layers, the dependency
// list copied to /tmp, the token read with docker save -o, a build stage of another name), which
// it must accept. One session for the whole lab, in step order; nothing is left afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { join } from 'node:path';
import { WRONG_ANSWER } from '../../electron/engine/checks/answer-question.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { engineOrSkip, root } from './support.js';
import { accepted, refusedWith as refused, stopLeavesNothing } from './check-assertions.js';

const engine = await engineOrSkip();

describe('checks of image-layers: a wrong solution refused, another right one accepted', { skip: engine.skip, timeout: 900_000 }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  let s: LabSession;

  before(async () => {
    s = new LabSession(docker, info, await loadLab(join(root, 'labs', 'image-layers')));
    await s.start({ trust: true });
  });

  after(async () => {
    if (s) await stopLeavesNothing(docker, s);
  });

  /** A learner's commands: must succeed. */
  async function sh(script: string): Promise<string> {
    const r = await s.runScript('host', script, 180_000);
    assert.equal(r.exitCode, 0, `${script}\n${r.output}`);
    return r.output;
  }

  const install = `sed 's/^/installed /' /app/deps.txt > /app/vendor.txt`;
  const newToken = 'echo "lvtok_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d \' \\n\')" > "$LAB_WORKDIR/private/registry-token"';

  test('build-v1: refuses the base image tagged as v1 (no layer of its own); accepts a v1 of three layers, the files copied one by one', async () => {
    await sh('docker tag "$LAB_BASE_IMAGE" "lv-$LAB_SESSION-app:v1"');
    refused(await s.check('build-v1'), /^lv-\w+-app:v1 adds no layer to labvisor\/base/);
    await sh('docker image rm "lv-$LAB_SESSION-app:v1"');
    await sh(`mkdir -p "$LAB_WORKDIR/app" && cd "$LAB_WORKDIR/app"
      printf '%s\\n' 'greeting-lib 1.4.2' 'colour-lib 0.9.0' > deps.txt
      printf '%s\\n' '#!/bin/sh' 'echo "app version 1"' 'cat /app/vendor.txt' > app.sh
      cat > Dockerfile <<'EOF'
FROM labvisor/base
COPY deps.txt /app/
COPY app.sh /app/
RUN ${install}
CMD sh /app/app.sh
EOF
      docker build -t "lv-$LAB_SESSION-app:v1" .`);
    accepted(await s.check('build-v1'));
  });

  test('count-layers: refuses the number of history lines above the base; accepts the layers of the learner\'s own v1, written 03', async () => {
    const lines = (await sh('echo $(( $(docker history -q "lv-$LAB_SESSION-app:v1" | wc -l) - $(docker history -q "$LAB_BASE_IMAGE" | wc -l) ))')).trim();
    assert.equal(lines, '4', 'COPY, COPY, RUN and CMD: four lines of history');
    assert.deepEqual(await s.answer('count-layers', lines), { ok: false, messages: [WRONG_ANSWER] });
    assert.deepEqual(await s.answer('count-layers', '2'), { ok: false, messages: [WRONG_ANSWER] }, 'the lab\'s own v1 has 2; this one has 3');
    assert.deepEqual(await s.answer('count-layers', ' 03 '), { ok: true, messages: [] });
  });

  test('cache-miss: refuses v1 tagged as v2; accepts an app.sh written anew that prints one more line', async () => {
    await sh('docker tag "lv-$LAB_SESSION-app:v1" "lv-$LAB_SESSION-app:v2"');
    refused(await s.check('cache-miss'), /prints "app version 1", not "app version 2"/);
    await sh('docker image rm "lv-$LAB_SESSION-app:v2"');
    await sh(`cd "$LAB_WORKDIR/app"
      printf '%s\\n' '#!/bin/sh' 'echo "app version 2"' 'cat /app/vendor.txt' 'echo "(built by hand)"' > app.sh
      docker build -t "lv-$LAB_SESSION-app:v2" .`);
    accepted(await s.check('cache-miss'));
  });

  test('cache-order: refuses the code copied before the install, and a v4 built with --no-cache; accepts deps.txt copied to /tmp and only app.sh copied after', async () => {
    const rebuild = (dockerfile: string, v4flags = '') => sh(`cd "$LAB_WORKDIR/app"
      cat > Dockerfile <<'EOF'
${dockerfile}
EOF
      sed -i 's/app version [0-9]*/app version 3/' app.sh
      docker build -t "lv-$LAB_SESSION-app:v3" .
      sed -i 's/app version 3/app version 4/' app.sh
      docker build ${v4flags} -t "lv-$LAB_SESSION-app:v4" .`);
    const untag = () => sh('docker image rm "lv-$LAB_SESSION-app:v3" "lv-$LAB_SESSION-app:v4"');
    // Wrong: the order of v1, so the install's layer sits above the layer with app.sh.
    await rebuild(`FROM labvisor/base\nCOPY . /app\nRUN ${install}\nCMD ["sh", "/app/app.sh"]`);
    refused(await s.check('cache-order'), /^in v3, layer 2 copies app\.sh and the install writes vendor\.txt in layer 3, above it/);
    await untag();
    // Wrong: the right order, but v4 built without the cache: its install ran again.
    const right = `FROM labvisor/base\nCOPY deps.txt /app/deps.txt\nRUN ${install}\nCOPY . /app\nCMD ["sh", "/app/app.sh"]`;
    await rebuild(right, '--no-cache');
    refused(await s.check('cache-order'), /^v4 did not reuse v3's install layer: the install ran again/);
    await untag();
    // Right, another way: the list copied to /tmp, only app.sh copied after the install.
    await rebuild(`FROM labvisor/base\nCOPY deps.txt /tmp/deps.txt\nRUN mkdir -p /app && sed 's/^/installed /' /tmp/deps.txt > /app/vendor.txt\nCOPY app.sh /app/app.sh\nCMD ["sh", "/app/app.sh"]`);
    accepted(await s.check('cache-order'));
  });

  test('secret-layer: refuses a newer token than the one in the image; accepts the token read out of a docker save -o archive', async () => {
    assert.equal((await s.solve('secret-layer')).ok, true);
    await sh(`${newToken}`);
    const newer = (await sh('cat "$LAB_WORKDIR/private/registry-token"')).trim();
    assert.deepEqual(await s.answer('secret-layer', newer), { ok: false, messages: [WRONG_ANSWER] });
    // What a container from the image shows: nothing.
    await sh('! docker run --rm --network none --name "lv-$LAB_SESSION-peek" "lv-$LAB_SESSION-private:leaky" cat /tmp/registry-token');
    const found = (await sh(`mkdir -p "$LAB_WORKDIR/by-hand" && cd "$LAB_WORKDIR/by-hand"
      docker save -o leaky.tar "lv-$LAB_SESSION-private:leaky"
      for l in $(tar -xOf leaky.tar manifest.json | tr ',' '\\n' | grep -oE '[^"]*layer\\.tar|blobs/sha256/[0-9a-f]+'); do
        tar -xOf leaky.tar "$l" > layer
        if tar -tf layer | grep -qx 'tmp/registry-token'; then tar -xOf layer tmp/registry-token; fi
      done`)).trim();
    assert.match(found, /^lvtok_[0-9a-f]{16}$/);
    assert.notEqual(found, newer);
    assert.deepEqual(await s.answer('secret-layer', `  ${found} `), { ok: true, messages: [] });
  });

  test('multi-stage: refuses the leaky image tagged as clean (RUN rm) and the token as a build argument; accepts a build stage of another name, tagged apart', async () => {
    await sh('docker tag "lv-$LAB_SESSION-private:leaky" "lv-$LAB_SESSION-private:clean"');
    refused(await s.check('multi-stage'), /^layer \d+ of lv-\w+-private:clean still holds the registry token\. A later layer deletes it \(RUN rm\), which only hides it/);
    await sh('docker image rm "lv-$LAB_SESSION-private:clean"');
    // Wrong: no file, a build argument; the history keeps its value.
    await sh(`cd "$LAB_WORKDIR/private"
      cat > Dockerfile.arg <<'EOF'
FROM labvisor/base
ARG REGISTRY_TOKEN
COPY deps.txt /app/deps.txt
RUN test -n "$REGISTRY_TOKEN" && ${install} && echo "installed private-lib 2.0 (licensed)" >> /app/vendor.txt
CMD ["cat", "/app/vendor.txt"]
EOF
      docker build --build-arg REGISTRY_TOKEN="$(cat registry-token)" -t "lv-$LAB_SESSION-private:clean" -f Dockerfile.arg .
      docker history --no-trunc "lv-$LAB_SESSION-private:clean" | grep -q "REGISTRY_TOKEN=lvtok_"`);
    refused(await s.check('multi-stage'), /^docker history --no-trunc of lv-\w+-private:clean shows a token/);
    await sh('docker image rm "lv-$LAB_SESSION-private:clean"');
    // Right, another way: the stage is "fetch", tagged apart so the session removes it too.
    await sh(`cd "$LAB_WORKDIR/private"
      cat > Dockerfile.fetch <<'EOF'
FROM labvisor/base AS fetch
COPY registry-token /run/token
COPY deps.txt /app/deps.txt
RUN test -s /run/token && ${install} && echo "installed private-lib 2.0 (licensed)" >> /app/vendor.txt

FROM labvisor/base
COPY --from=fetch /app /app
RUN rm /app/deps.txt
CMD ["cat", "/app/vendor.txt"]
EOF
      docker build --target fetch -t "lv-$LAB_SESSION-private:fetch" -f Dockerfile.fetch .
      docker build -t "lv-$LAB_SESSION-private:clean" -f Dockerfile.fetch .`);
    accepted(await s.check('multi-stage'));
  });
});
