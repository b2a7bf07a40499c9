// Which volumes a lab has, read from what its steps tell the learner to use: the API's lab
// summary does not list volumes, but every step that touches one names it as $LAB_VOLUME_<NAME>
// (the variable the lab format gives host scripts), in its markdown or its solution.
const VARIABLE = /\bLAB_VOLUME_([A-Z0-9_]+)\b/g;

export function volumesMentioned(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(VARIABLE)) found.add(m[1]!.toLowerCase().replace(/_/g, '-'));
  }
  return [...found].sort();
}
