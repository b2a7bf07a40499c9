// The trust rules and the Dockerfile rules without an engine: which capabilities are safe, what
// each reason says and where, the budget's totals, what a Dockerfile may start FROM or fetch, and
// the digests of the images Labvisor pulls itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadLab, findLabDirs } from '../../electron/engine/labs/load.js';
import { dockerfileInstructions, reviewDockerfile } from '../../electron/engine/labs/dockerfile-rules.js';
import { DEFAULT_BUDGET, labFootprint } from '../../electron/engine/labs/trust.js';
import { CAPABILITIES, SAFE_CAPABILITIES } from '../../electron/engine/labs/schema.js';
import { bundledLabsDir, packageRoot } from '../../electron/engine/paths.js';
import { readdir, readFile } from 'node:fs/promises';
import { BUSYBOX_IMAGE } from '../../electron/engine/images/base-image.js';
import { DEBIAN_IMAGE } from '../../electron/engine/images/debian-kernel.js';
import { DOCKER_CLI_IMAGE } from '../../electron/engine/images/docker-host-image.js';

const hostile = (name: string) => path.join(packageRoot(), 'test', 'fixtures', 'hostile', name);

test('the safe capabilities are Docker\'s defaults minus the ones that reach beyond the container', () => {
  for (const risky of ['SYS_ADMIN', 'SYS_PTRACE', 'NET_ADMIN', 'NET_RAW', 'MKNOD', 'SETPCAP', 'SETFCAP', 'SYS_MODULE', 'SYS_TIME']) {
    assert.ok(!(SAFE_CAPABILITIES as readonly string[]).includes(risky), risky);
    assert.ok((CAPABILITIES as readonly string[]).includes(risky), `${risky} can still be asked for, with trust`);
  }
});

test('every bundled lab fits the budget', async () => {
  for (const dir of await findLabDirs(bundledLabsDir())) {
    const used = labFootprint((await loadLab(dir)).lab);
    for (const key of Object.keys(DEFAULT_BUDGET) as Array<keyof typeof DEFAULT_BUDGET>) {
      assert.ok(used[key] <= DEFAULT_BUDGET[key], `${path.basename(dir)}: ${key} ${used[key]} > ${DEFAULT_BUDGET[key]}`);
    }
  }
});

test('a lab within the safe default needs no trust; a VM without outbound is within it', async () => {
  assert.deepEqual((await loadLab(hostile('vm-loopback'))).trustReasons, []);
});

test('each reason points at the field that asks for it', async () => {
  const where = async (name: string) => (await loadLab(hostile(name))).trustReasons.map((r) => `${path.basename(r.file)}:${r.line}:${r.col}`);
  assert.deepEqual(await where('outbound'), ['lab.yaml:12:15', 'lab.yaml:16:15']);
  assert.deepEqual(await where('low-port'), ['lab.yaml:13:32']);
  assert.deepEqual(await where('resource-bomb'), ['lab.yaml:9:3', 'lab.yaml:9:3', 'lab.yaml:9:3']);
  assert.deepEqual(await where('foreign-from-declared'), ['Dockerfile:2:1']);
  assert.deepEqual((await loadLab(hostile('taken-port'))).fixedPorts.map((p) => [p.machine, p.port, p.where.line]), [['web', 47913, 13]]);
});

test('Dockerfile instructions: continuations joined, comments dropped, each at its first line', () => {
  assert.deepEqual(dockerfileInstructions('# c\nFROM labvisor/base AS b\n\nRUN a \\\n  # inner\n  b\nADD x /y\n'), [
    { line: 2, keyword: 'FROM', args: 'labvisor/base AS b' },
    { line: 4, keyword: 'RUN', args: 'a    b' },
    { line: 7, keyword: 'ADD', args: 'x /y' },
  ]);
});

test('FROM: the base, scratch, an earlier stage or a declared image; never a variable', () => {
  const review = (text: string, from: string[] = [], network = false) => reviewDockerfile('Dockerfile', text, { network, from });
  assert.deepEqual(review('FROM labvisor/base AS build\nFROM scratch\nCOPY --from=build /bin/busybox /\nFROM build\n').errors, []);
  assert.match(review('FROM alpine\n').errors[0]!.message, /FROM alpine: a lab image builds FROM labvisor\/base/);
  assert.match(review('ARG IMG=alpine\nFROM $IMG\n').errors[0]!.message, /name the image, not a variable/);
  assert.deepEqual(review('FROM --platform=linux/amd64 debian:bookworm-slim\n', ['debian:bookworm-slim']).foreignFrom, [{ image: 'debian:bookworm-slim', line: 1 }]);
  assert.match(review('FROM labvisor/base\nADD --chmod=755 https://x.example/a.sh /a.sh\n').errors[0]!.message, /ADD https:\/\/x\.example\/a\.sh fetches from the network/);
  assert.deepEqual(review('FROM labvisor/base\nADD https://x.example/a.sh /a.sh\n', [], true).errors, []);
  assert.match(review('FROM labvisor/base\nRUN --network=host wget x\n').errors[0]!.message, /without a network/);
  assert.deepEqual(review('FROM labvisor/base\nADD local.tar /srv/\n').errors, [], 'a local file is no network');
});

// The engine fetches ADD's URLs and pulls COPY --from's images itself, whatever the build's network:
// both ways round the FROM rule and the network wall are attacked here.
test('COPY --from an image and ADD <url> in the JSON form are held to the same rules', () => {
  const review = (text: string, from: string[] = [], network = false) => reviewDockerfile('Dockerfile', text, { network, from });
  assert.match(review('FROM labvisor/base\nCOPY --from=alpine:3.20 /bin/sh /sh\n').errors[0]!.message,
    /^COPY --from=alpine:3\.20: a lab image builds FROM labvisor\/base/);
  assert.equal(review('FROM labvisor/base\nCOPY --chown=1:1 --from=evil/image /x /x\n').errors[0]!.line, 2);
  assert.match(review('FROM labvisor/base\nCOPY --from=$IMG /x /x\n').errors[0]!.message, /not a variable/);
  assert.match(review('FROM labvisor/base\nCOPY --from=1 /x /x\n').errors[0]!.message, /COPY --from=1:/, 'no stage 1 yet');
  assert.deepEqual(review('FROM labvisor/base AS b\nFROM scratch\nCOPY --from=0 /x /x\nCOPY --from=B /y /y\nCOPY /z /z\n').errors, []);
  assert.deepEqual(review('FROM labvisor/base\nCOPY --from=debian:bookworm-slim /x /x\n', ['debian:bookworm-slim']).foreignFrom,
    [{ image: 'debian:bookworm-slim', line: 2 }], 'a declared image is a trust reason, as in FROM');
  assert.match(review('FROM labvisor/base\nADD ["https://x.example/a.sh", "/a.sh"]\n').errors[0]!.message, /ADD https:\/\/x\.example\/a\.sh fetches/);
  assert.match(review('FROM labvisor/base\nADD --chmod=755 ["local", "git@github.com:a/b.git", "/d/"]\n').errors[0]!.message, /ADD git@github\.com/);
  assert.deepEqual(review('FROM labvisor/base\nADD ["local.tar", "/srv/"]\n').errors, []);
});

// What Labvisor itself pulls when a registry answers must be the bytes that were reviewed: every
// pullImage call names one of these constants, and each is pinned by its index digest.
test('every image Labvisor pulls is pinned by digest, and nothing pulls by a bare name', async () => {
  const pinned = { BUSYBOX_IMAGE, DEBIAN_IMAGE, DOCKER_CLI_IMAGE };
  for (const [name, ref] of Object.entries(pinned)) assert.match(ref, /^[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/, name);
  const engineDir = path.join(packageRoot(), 'electron', 'engine');
  const sources = (await readdir(engineDir, { recursive: true })).filter((f) => f.endsWith('.ts'));
  const calls: string[] = [];
  for (const f of sources) {
    const text = await readFile(path.join(engineDir, f), 'utf8');
    for (const m of text.matchAll(/pullImage\(docker, ([^,]+),/g)) calls.push(`${f}: ${m[1]}`);
  }
  assert.ok(calls.length >= 4, calls.join('\n'));
  for (const call of calls) assert.match(call, /: (BUSYBOX_IMAGE|DEBIAN_IMAGE|DOCKER_CLI_IMAGE)$/, call);
});
