// The lenses a step can open (`[see it](lens:processes)`) and the player shows beside the
// terminals. The names are the lab format's (electron/engine/labs/markdown-refs.ts checks them).
export const LENSES = ['processes', 'kernels', 'footprint', 'images', 'volumes'] as const;
export type LensName = (typeof LENSES)[number];

export const LENS_TITLES: Record<LensName, string> = {
  processes: 'Processes',
  kernels: 'Kernels',
  footprint: 'Footprint',
  images: 'Images',
  volumes: 'Volumes',
};

/** The lens a markdown link opens, or undefined when it is not a `lens:` link to a known lens. */
export function lensOfHref(href: string | undefined): LensName | undefined {
  const m = href ? /^lens:([a-z]+)$/.exec(href) : null;
  return m && (LENSES as readonly string[]).includes(m[1]!) ? (m[1] as LensName) : undefined;
}

/**
 * What the learner pointed at, shared by every view: a machine (its group, its kernel row, its
 * terminal tab) and, optionally, one of its host processes.
 */
export interface Highlight { machine: string; pid?: number }

/** A session's machine from a Docker or VM name (`lv-<session>-<machine>`); undefined for others. */
export function machineOfName(name: string, session: string | undefined): string | undefined {
  const prefix = session ? `lv-${session}-` : undefined;
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}
