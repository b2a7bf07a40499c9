// Draws Labvisor's icon: a container (left) and a VM's screen (right) side by side, the app's
// point in one picture. One list of shapes makes both icon.svg (the source to edit or view) and
// icon.png (1024×1024, which electron-builder turns into .icns, .ico and the Linux sizes on the
// CI runners). Only Node built-ins, so it runs offline: `node build/icons/make-icons.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;
const SHAPES = [
  // macOS's icon grid: an 824 px tile centred on the 1024 canvas, transparent around it.
  { x: 100, y: 100, w: 824, h: 824, r: 184, fill: '#1d3557' },
  // The container: a green box with its corrugation.
  { x: 188, y: 332, w: 280, h: 360, r: 28, fill: '#52b788' },
  ...[232, 288, 344, 400].map((x) => ({ x, y: 372, w: 24, h: 280, r: 12, fill: '#2d6a4f' })),
  // The VM: a monitor on a stand, a cursor on its screen.
  { x: 556, y: 332, w: 280, h: 220, r: 24, fill: '#e9c46a' },
  { x: 580, y: 356, w: 232, h: 172, r: 10, fill: '#0b1d33' },
  { x: 604, y: 484, w: 56, h: 20, r: 4, fill: '#e9c46a' },
  { x: 676, y: 552, w: 40, h: 112, r: 0, fill: '#e9c46a' },
  { x: 616, y: 664, w: 160, h: 28, r: 14, fill: '#e9c46a' },
];

function svg() {
  const rects = SHAPES.map(({ x, y, w, h, r, fill }) => `  <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="${fill}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">\n${rects.join('\n')}\n</svg>\n`;
}

function inside({ x, y, w, h, r }, px, py) {
  if (px < x || py < y || px >= x + w || py >= y + h) return false;
  // Outside the rounded corner's circle only near a corner.
  const dx = Math.max(x + r - px, px - (x + w - r), 0);
  const dy = Math.max(y + r - py, py - (y + h - r), 0);
  return dx * dx + dy * dy <= r * r;
}

/** RGBA rows, each with PNG's filter byte (0, none) in front; 4×4 samples a pixel for smooth edges. */
function pixels() {
  const colours = SHAPES.map(({ fill }) => [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16)));
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  const n = 4;
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let s = 0; s < n * n; s++) {
        const sx = px + ((s % n) + 0.5) / n;
        const sy = py + (Math.floor(s / n) + 0.5) / n;
        // The topmost shape under the sample paints it.
        for (let i = SHAPES.length - 1; i >= 0; i--) {
          if (!inside(SHAPES[i], sx, sy)) continue;
          colours[i].forEach((c, k) => { sum[k] += c; });
          covered++;
          break;
        }
      }
      const at = py * (1 + SIZE * 4) + 1 + px * 4;
      if (covered) sum.forEach((c, k) => { rows[at + k] = Math.round(c / covered); });
      rows[at + 3] = Math.round((covered * 255) / (n * n));
    }
  }
  return rows;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png() {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits a channel, RGBA, deflate, standard filters, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(pixels(), { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const here = new URL('.', import.meta.url);
writeFileSync(new URL('icon.svg', here), svg());
writeFileSync(new URL('icon.png', here), png());
