// The line reader of the agent's channel, against a real unix socket: lines split across
// writes, a long line kept whole, and a newline-free flood dropped fast without filling memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { lineStream } from '../../electron/engine/machines/vm/line-stream.js';

const connectLines = (path: string) => new Promise<ReturnType<typeof lineStream>>((resolve, reject) => {
  const s = connect(path, () => resolve(lineStream(s)));
  s.once('error', reject);
});

/** A unix socket server that hands each connection to `serve`. */
async function serveOn(serve: (s: Socket) => void): Promise<{ path: string; server: Server }> {
  const path = join(mkdtempSync(join(tmpdir(), 'labvisor-lines-')), 'sock');
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, server };
}

test('lines split across writes, CRLF, and a 200 KiB line arrive whole', async () => {
  const long = 'x'.repeat(200 * 1024);
  const { path, server } = await serveOn((s) => {
    s.write('hel');
    setTimeout(() => s.write(`lo\r\nwörld\n${long.slice(0, 1000)}`), 20);
    setTimeout(() => s.write(`${long.slice(1000)}\n`), 40);
  });
  const lines = await connectLines(path);
  try {
    assert.equal(await lines.next((l) => (l.startsWith('hel') ? l : undefined), 2000), 'hello');
    assert.equal(await lines.next((l) => (l.startsWith('w') ? l : undefined), 2000), 'wörld');
    assert.equal(await lines.next((l) => (l.startsWith('xxx') ? l.length : undefined), 2000), long.length);
  } finally {
    lines.close();
    server.close();
  }
});

test('64 MiB without a newline: the channel is dropped at once, memory stays bounded, earlier lines are kept', async () => {
  const FLOOD = 64 * 1024 * 1024;
  const block = Buffer.alloc(64 * 1024, 'y');
  let sent = 0;
  let peerClosed!: () => void;
  const closed = new Promise<void>((resolve) => { peerClosed = resolve; });
  const { path, server } = await serveOn((s) => {
    s.on('error', () => {}); // EPIPE once the reader drops the channel
    s.on('close', () => peerClosed());
    s.write('before the flood\n');
    // The guest's side, with backpressure, so only the reader could hold the flood.
    const pump = () => {
      while (sent < FLOOD && !s.destroyed) {
        sent += block.length;
        if (!s.write(block)) return void s.once('drain', pump);
      }
    };
    pump();
  });
  const rssBefore = process.memoryUsage().rss;
  const began = Date.now();
  const lines = await connectLines(path);
  try {
    // Asked before and after the flood: what came first is still delivered; a line never ending rejects.
    const never = lines.next((l) => (l === 'never sent' ? l : undefined), 30_000);
    await assert.rejects(never, /the guest sent over 256 KiB without a newline/);
    assert.equal(await lines.next((l) => (l === 'before the flood' ? l : undefined), 1000), 'before the flood');
    await closed;
    const tookMs = Date.now() - began;
    assert.ok(lines.socket.destroyed, 'the socket is destroyed');
    assert.ok(tookMs < 3000, `dropped in ${tookMs} ms`);
    assert.ok(sent < FLOOD / 4, `the reader stopped the flood early (${sent} bytes sent)`);
    const grewMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    assert.ok(grewMb < 48, `RSS grew ${grewMb.toFixed(1)} MiB`);
    await assert.rejects(lines.next(() => true, 1000), /256 KiB without a newline/, 'later reads fail the same way');
  } finally {
    lines.close();
    server.close();
  }
});
