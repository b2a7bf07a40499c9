// The learner's computer as a machine (issue 13, item 2): its scripts and shells run here, in
// the session's work folder, and its facts (OS, kernel, boot id where there is one) come as
// variables, so a lab compares them with the Docker host's without reading files itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LearnerComputer } from '../../electron/engine/machines/learner-computer.js';
import type { SessionContext } from '../../electron/engine/machines/machine-driver.js';
import type { Machine } from '../../electron/engine/labs/schema.js';

const bootId = process.platform === 'linux' ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : '';

function computer(workdir: string): LearnerComputer {
  const ctx = {
    session: 'abcd1234',
    driverEnv: async () => ({ LAB_SESSION: 'abcd1234', LAB_HOST_BOOT_ID: 'the-docker-hosts' }),
    factsFor: (place: string) => (place === 'computer' ? { LAB_SEEN_FROM: 'computer' } : { LAB_SEEN_FROM: place }),
    computerWorkdir: () => workdir,
  } as unknown as SessionContext;
  return new LearnerComputer({ name: 'laptop', kind: 'learner-computer' } as Machine, ctx);
}

test('a script on the learner\'s computer runs in the session\'s folder with this computer\'s facts as variables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lv-computer-'));
  try {
    const laptop = computer(dir);
    assert.equal((await laptop.start()).kind, 'learner-computer');
    const r = await laptop.runScript('printf "%s|" "$(pwd)" "$LAB_WORKDIR" "$LAB_COMPUTER_OS" "$LAB_COMPUTER_KERNEL" "${LAB_COMPUTER_BOOT_ID-unset}" "$LAB_HOST_BOOT_ID" "$LAB_SEEN_FROM"', { timeoutMs: 10_000 });
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output, [dir, dir, process.platform, release(), bootId || 'unset', 'the-docker-hosts', 'computer', ''].join('|'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('its shells get the same facts, and open in the session\'s folder', async () => {
  const target = await computer('/some/where').terminalTarget();
  assert.equal(target.via, 'pty');
  if (target.via !== 'pty') return;
  assert.equal(target.cwd, '/some/where');
  assert.equal(target.env['LAB_COMPUTER_OS'], process.platform);
  assert.equal(target.env['LAB_COMPUTER_KERNEL'], release());
  assert.equal(target.env['LAB_COMPUTER_BOOT_ID'], bootId || undefined);
  assert.equal(target.env['LAB_WORKDIR'], '/some/where');
});
