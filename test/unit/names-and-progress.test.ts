import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { containerName, envName, isSessionId, networkName, newSessionId, volumeName } from '../../electron/engine/sessions/names.js';
import { progressView } from '../../electron/cli/progress-view.js';

test('session ids are short, distinct, and name every resource under one prefix', () => {
  const ids = new Set(Array.from({ length: 200 }, newSessionId));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.ok(isSessionId(id), id);
  assert.equal(containerName('abcd1234', 'app'), 'lv-abcd1234-app');
  assert.equal(volumeName('abcd1234', 'records'), 'lv-abcd1234-records');
  assert.equal(networkName('abcd1234'), 'lv-abcd1234');
  assert.equal(envName('web-app'), 'WEB_APP');
});

test('progress off a terminal: one plain line per phase change, no escape codes', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => { text += c.toString(); });
  const view = progressView(out as unknown as NodeJS.WriteStream);
  view({ task: 'image app', phase: 'step 1/3: FROM labvisor/base', current: 0, total: 3, elapsedMs: 10 });
  view({ task: 'image app', phase: 'step 1/3: FROM labvisor/base', current: 0, total: 3, elapsedMs: 20 });
  view({ task: 'image app', phase: 'built', state: 'done', elapsedMs: 1500 });
  assert.equal(text, '[  0.0s] image app: step 1/3: FROM labvisor/base\n[  1.5s] image app: built\n');
});

test('progress on a terminal: a bar per task, redrawn in place', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => { text += c.toString(); });
  const tty = Object.assign(out, { isTTY: true, columns: 100 }) as unknown as NodeJS.WriteStream;
  const view = progressView(tty);
  view({ task: 'image app', phase: 'step 2/4: RUN x', current: 1, total: 4, elapsedMs: 100 });
  view({ task: 'machine app', phase: 'starting', elapsedMs: 100 });
  assert.match(text, /image app\s+\[#####\.{15}\]/);
  assert.ok(text.includes('\x1b[1A'), 'moved up to redraw');
});
