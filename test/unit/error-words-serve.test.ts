// `labvisor serve` reports a request's unforeseen error in one line naming the error log (which
// holds the stack), as the CLI does; LABVISOR_DEBUG adds the stack where the line is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabApi } from '../../electron/shared/api.js';
import { dispatch } from '../../electron/host-common/dispatch.js';
import { report } from '../../electron/cli/output.js';

/** Runs `fn` with a fresh data dir and LABVISOR_DEBUG as given; gives the data dir. */
async function withEnv(debug: boolean, fn: (dir: string) => Promise<void>): Promise<void> {
  const saved = { data: process.env.LABVISOR_DATA_DIR, debug: process.env.LABVISOR_DEBUG };
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-serve-errors-'));
  process.env.LABVISOR_DATA_DIR = dir;
  if (debug) process.env.LABVISOR_DEBUG = '1';
  else delete process.env.LABVISOR_DEBUG;
  try {
    await fn(dir);
  } finally {
    for (const [key, value] of [['LABVISOR_DATA_DIR', saved.data], ['LABVISOR_DEBUG', saved.debug]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const buggy = { getStep: async () => { throw new TypeError("Cannot read properties of undefined (reading 'title')"); } } as unknown as LabApi;
const request = { id: 1, method: 'getStep', params: { lab: 'a', step: 'b' } };

test('a request that hits a bug: one line in the log naming the error log, the stack in the error log', async () => {
  await withEnv(false, async (dir) => {
    const lines: string[] = [];
    const reply = await dispatch(buggy, request, (l) => lines.push(l));
    const log = join(dir, 'logs', 'errors.log');
    assert.deepEqual(lines, [`getStep failed: unexpected error: Cannot read properties of undefined (reading 'title') (details in ${log})`]);
    assert.equal(reply.kind === 'reply' && !reply.response.ok && reply.response.error.code, 'internal');
    assert.match(readFileSync(log, 'utf8'), / getStep\nTypeError: Cannot read properties[\s\S]*\n\s+at /);
  });
});

test('LABVISOR_DEBUG: the stack follows the line, in serve\'s log and the CLI\'s report alike', async () => {
  await withEnv(true, async () => {
    const lines: string[] = [];
    await dispatch(buggy, request, (l) => lines.push(l));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^getStep failed: unexpected error: [^\n]*\nTypeError: Cannot read properties[\s\S]*\n\s+at /);

    const write = process.stderr.write;
    let said = '';
    process.stderr.write = ((chunk: string) => { said += chunk; return true; }) as typeof process.stderr.write;
    try {
      report(new RangeError('Invalid array length'));
    } finally {
      process.stderr.write = write;
    }
    assert.match(said, /^labvisor: unexpected error: Invalid array length \(details in [^\n]*\)\nRangeError: Invalid array length\n\s+at /);
  });
});
