import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readElfFacts, sameArch } from '../../electron/engine/images/static-binary.js';

test('tells a dynamic binary from a static one, and reads its CPU', async () => {
  const node = await readElfFacts(process.execPath);
  assert.ok(node, 'node is an ELF binary');
  assert.equal(node.isStatic, false);
  assert.ok(sameArch(node.arch, process.arch === 'x64' ? 'x86_64' : 'aarch64'));
  assert.equal(await readElfFacts(new URL(import.meta.url).pathname), undefined, 'a JS file is not ELF');
});

test('a static busybox, where installed, reads as static', { skip: !existsSync('/bin/busybox') && 'no /bin/busybox' }, async () => {
  const bb = await readElfFacts('/bin/busybox');
  assert.ok(bb);
  assert.equal(bb.isStatic, true);
});

test('engine architecture names are normalised', () => {
  assert.ok(sameArch('x86_64', 'amd64'));
  assert.ok(sameArch('aarch64', 'arm64'));
  assert.ok(!sameArch('x86_64', 'aarch64'));
});
