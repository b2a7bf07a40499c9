// Reads just enough of an ELF header to know whether a binary is static and for which CPU,
// so a host busybox is only used when it can run inside the engine's containers.
import { open } from 'node:fs/promises';

const MACHINES: Record<number, string> = { 62: 'x86_64', 183: 'aarch64', 3: 'i386', 40: 'arm' };
const PT_INTERP = 3;

export interface ElfFacts { arch: string; isStatic: boolean }

export async function readElfFacts(path: string): Promise<ElfFacts | undefined> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    await fh.read(head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46) return undefined; // "\x7fELF"
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const arch = MACHINES[u16(head, 18)] ?? `elf-machine-${u16(head, 18)}`;
    const phoff = is64 ? Number(le ? head.readBigUInt64LE(32) : head.readBigUInt64BE(32)) : u32(head, 28);
    const phentsize = u16(head, is64 ? 54 : 42);
    const phnum = u16(head, is64 ? 56 : 44);
    const table = Buffer.alloc(phentsize * phnum);
    await fh.read(table, 0, table.length, phoff);
    let isStatic = true;
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === PT_INTERP) isStatic = false;
    return { arch, isStatic };
  } finally {
    await fh.close();
  }
}

/** Docker reports x86_64/aarch64; some engines say amd64/arm64. */
export function sameArch(elfArch: string, engineArch: string): boolean {
  const norm = (a: string) => ({ amd64: 'x86_64', arm64: 'aarch64' })[a] ?? a;
  return norm(elfArch) === norm(engineArch);
}
