// The learning path: labs in the order their `order` gives (1 first), the labs without one after
// it by title, and the lab that follows a finished one. Pure; the server sorts the catalog with
// it and the player finds "next" with it.
interface OnPath { id: string; title: string; order?: number }

export function inPathOrder<T extends OnPath>(labs: T[]): T[] {
  return [...labs].sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.title.localeCompare(b.title));
}

/** The lab after `id` on the path; none after the last, or for a lab that is not on the path. */
export function nextOnPath<T extends OnPath>(labs: T[], id: string): T | undefined {
  const path = inPathOrder(labs.filter((l) => l.order !== undefined));
  const at = path.findIndex((l) => l.id === id);
  return at < 0 ? undefined : path[at + 1];
}
