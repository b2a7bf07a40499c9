// The last lines a container printed, for error messages. Without a TTY the engine sends logs
// as frames (8-byte header: stream type, 3 zero bytes, big-endian length), joined here.
import type Docker from 'dockerode';

export function joinLogFrames(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

export async function lastLogLines(docker: Docker, container: string, lines = 10): Promise<string> {
  try {
    const buf = await docker.getContainer(container).logs({ stdout: true, stderr: true, tail: lines, follow: false });
    return joinLogFrames(buf).trim();
  } catch {
    return '';
  }
}
