// Which two images the image lens compares first: the lab's own build against the newest one
// the learner built under the session's name (v1 → v2 in rebuild-not-patch). Pure, unit-tested.
export interface RefOnly { ref: string; created: string }

export function defaultDiffPair(images: readonly RefOnly[]): { from: string; to: string } | undefined {
  if (images.length < 2) return undefined;
  const byAge = [...images].sort((a, b) => a.created.localeCompare(b.created));
  const labImage = byAge.find((i) => i.ref.startsWith('labvisor/')) ?? byAge[0]!;
  const newest = [...byAge].reverse().find((i) => i.ref !== labImage.ref)!;
  return { from: labImage.ref, to: newest.ref };
}

/** "repo:tag" shown short: a content hash tag cut to 12 characters. */
export function shortRef(ref: string): string {
  const colon = ref.lastIndexOf(':');
  if (colon < 0) return ref;
  const tag = ref.slice(colon + 1);
  return /^[0-9a-f]{16,}$/.test(tag) ? `${ref.slice(0, colon)}:${tag.slice(0, 12)}` : ref;
}

/** A history line as people read it: the content hash Docker puts in COPY/ADD lines cut short, so the destination shows. */
export function readableCreatedBy(line: string): string {
  return line.replace(/\b(file|dir):([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1:$2…');
}
