// A full disk in words: which disk (the folder being written), what could not be written, what
// free space there is, and that nothing half-written was kept. A bare ENOSPC ("no space left on
// device, write") names neither the folder nor what to do.
import { statfs } from 'node:fs/promises';

export function isDiskFull(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC' || /no space left on device/i.test((err as Error | undefined)?.message ?? '');
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The error to throw instead of `err` when the disk holding `dir` filled up while writing `what`. */
export async function diskFullError(err: unknown, dir: string, what: string): Promise<Error> {
  const free = await statfs(dir).then((s) => `, ${mb(s.bavail * s.bsize)} free`, () => '');
  return new Error(`no space left on the disk holding ${dir}${free}: ${what} could not be written ` +
    '(nothing half-written was kept); free some space there and try again', { cause: err });
}
