// Undoing a failed bundle load: the engine keeps exactly the tags it had before. A tag the load
// added is removed; a tag it moved from another image is put back on that image.
import type Docker from 'dockerode';

type Ref = { ref: string; id: string };

/** Which image each of these refs named before the load (undefined: none). */
export async function imagesBefore(docker: Docker, images: Ref[]): Promise<Map<string, string | undefined>> {
  const ids = await Promise.all(images.map((i) => docker.getImage(i.ref).inspect().then((x) => x.Id, () => undefined)));
  return new Map(images.map((i, n) => [i.ref, ids[n]]));
}

function splitRef(ref: string): { repo: string; tag: string } {
  const at = ref.lastIndexOf(':');
  return at > ref.lastIndexOf('/') ? { repo: ref.slice(0, at), tag: ref.slice(at + 1) } : { repo: ref, tag: 'latest' };
}

/** Puts the tags back as `before` had them; returns how many tags were removed. */
export async function restoreImages(docker: Docker, images: Ref[], before: Map<string, string | undefined>): Promise<number> {
  let removed = 0;
  for (const image of images) {
    const had = before.get(image.ref);
    const now = await docker.getImage(image.ref).inspect().then((x) => x.Id, () => undefined);
    if (!now || now === had) continue;
    if (had) {
      // The load moved the tag: back to the image it named (still there, untagged).
      await docker.getImage(had).tag(splitRef(image.ref)).catch(() => {});
      continue;
    }
    await docker.getImage(image.ref).remove({ noprune: false }).then(() => { removed++; }, () => {});
  }
  return removed;
}
