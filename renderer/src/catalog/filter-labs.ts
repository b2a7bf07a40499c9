// The catalog's search box and tag filter. Pure.
import type { LabSummary } from '../../../electron/shared/api.js';

/** Labs whose title, summary or tags contain every word of the query and that carry every selected tag. */
export function filterLabs(labs: LabSummary[], query: string, tags: string[]): LabSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return labs.filter((lab) => {
    if (!tags.every((t) => lab.tags.includes(t))) return false;
    const text = `${lab.title} ${lab.summary} ${lab.tags.join(' ')} ${lab.difficulty}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Every tag of the labs, most used first, then by name. */
export function allTags(labs: LabSummary[]): string[] {
  const counts = new Map<string, number>();
  for (const lab of labs) for (const t of lab.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
}
