// Everything the bench starts registers how to undo it here; the undo runs in reverse order
// when the bench ends, fails, or gets Ctrl-C, so no container, session or QEMU outlives it.
type Undo = () => Promise<unknown> | unknown;

const undos = new Map<number, { what: string; undo: Undo }>();
let next = 0;

/** Registers an undo; the returned function runs it now (once) and forgets it. */
export function defer(what: string, undo: Undo): () => Promise<void> {
  const id = next++;
  undos.set(id, { what, undo });
  return async () => {
    if (!undos.delete(id)) return;
    await undo();
  };
}

/** Runs every pending undo, newest first; failures are reported, not thrown. */
export async function cleanupAll(log: (line: string) => void): Promise<void> {
  for (const [id, { what, undo }] of [...undos].reverse()) {
    undos.delete(id);
    try {
      await undo();
    } catch (err) {
      log(`cleanup of ${what} failed: ${(err as Error).message}`);
    }
  }
}
