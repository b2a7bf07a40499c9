// The byte-level parts of terminals: the scrollback ring and UTF-8-safe framing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteRing } from '../../electron/engine/terminals/byte-ring.js';
import { fromCharStart, incompleteTail, Utf8Chunker, utf8Pieces } from '../../electron/engine/terminals/utf8-chunks.js';

const b = (s: string) => Buffer.from(s, 'utf8');

test('the ring keeps the last bytes in order, across wraps and oversized chunks', () => {
  const ring = new ByteRing(8);
  assert.equal(ring.contents().length, 0);
  ring.push(b('abc'));
  assert.equal(ring.contents().toString(), 'abc');
  ring.push(b('defgh'));
  assert.equal(ring.contents().toString(), 'abcdefgh');
  ring.push(b('ij'));
  assert.equal(ring.contents().toString(), 'cdefghij');
  ring.push(b('klmnopq'));
  assert.equal(ring.contents().toString(), 'jklmnopq');
  ring.push(b('0123456789XY'));
  assert.equal(ring.contents().toString(), '456789XY');
  assert.equal(ring.length, 8);
  ring.push(b('Z'));
  assert.equal(ring.contents().toString(), '56789XYZ');
});

test('the ring matches a plain tail of everything pushed, for random chunk sizes', () => {
  const ring = new ByteRing(100);
  let all = Buffer.alloc(0);
  let seed = 7;
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const chunk = Buffer.alloc(seed % 130, i % 256);
    ring.push(chunk);
    all = Buffer.concat([all, chunk]).subarray(-100);
    assert.deepEqual(ring.contents(), all);
  }
});

test('an incomplete character at the end is found, a complete one is not', () => {
  const euro = b('€'); // 3 bytes
  const smile = b('😀'); // 4 bytes
  assert.equal(incompleteTail(b('abc')), 0);
  assert.equal(incompleteTail(euro), 0);
  assert.equal(incompleteTail(euro.subarray(0, 1)), 1);
  assert.equal(incompleteTail(Buffer.concat([b('x'), euro.subarray(0, 2)])), 2);
  assert.equal(incompleteTail(smile.subarray(0, 3)), 3);
  assert.equal(incompleteTail(smile), 0);
  assert.equal(incompleteTail(b('é').subarray(0, 1)), 1);
  assert.equal(incompleteTail(Buffer.from([0x80, 0x80, 0x80])), 0, 'stray continuation bytes are not held');
  assert.equal(incompleteTail(Buffer.from([0xff])), 0, 'an invalid byte is not held');
});

test('the chunker never splits a character, whatever the chunk edges, and loses nothing', () => {
  const text = 'héllo € 😀 wörld — ünïcødé 🎉'.repeat(5);
  const bytes = b(text);
  for (let size = 1; size <= 7; size++) {
    const chunker = new Utf8Chunker();
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      const piece = chunker.push(bytes.subarray(i, i + size));
      if (piece.length) assert.doesNotMatch(piece.toString('utf8'), /\uFFFD/, `chunk size ${size}`);
      out.push(piece);
    }
    out.push(chunker.flush());
    assert.equal(Buffer.concat(out).toString('utf8'), text);
  }
});

test('flush gives back an incomplete character as is', () => {
  const chunker = new Utf8Chunker();
  assert.equal(chunker.push(b('a€').subarray(0, 3)).toString(), 'a');
  assert.equal(chunker.heldBytes, 2);
  assert.deepEqual(chunker.flush(), b('€').subarray(0, 2));
  assert.equal(chunker.heldBytes, 0);
});

test('pieces stay under the limit and on character edges; a wrapped ring starts on one', () => {
  const bytes = b('€'.repeat(100));
  const pieces = utf8Pieces(bytes, 32);
  assert.ok(pieces.every((p) => p.length <= 32 && p.length % 3 === 0));
  assert.deepEqual(Buffer.concat(pieces), bytes);
  assert.deepEqual(utf8Pieces(b('short'), 32), [b('short')]);
  assert.equal(fromCharStart(bytes.subarray(1)).toString(), '€'.repeat(99));
  assert.equal(fromCharStart(b('plain')).toString(), 'plain');
});
