// Ours and the baseline, interleaved in one loop (alternating which goes first) so that the
// machine's noise — other processes, caches, thermal — hits both alike. Warm-ups are run the
// same way and thrown away.
export interface Plan { warmups: number; runs: number }

export type Trial<T> = (iteration: number) => Promise<T>;

export async function interleave<T extends Record<string, Trial<unknown>>>(
  plan: Plan, trials: T, progress: (line: string) => void,
): Promise<{ [K in keyof T]: Array<Awaited<ReturnType<T[K]>>> }> {
  const names = Object.keys(trials) as Array<keyof T>;
  const out = Object.fromEntries(names.map((n) => [n, []])) as unknown as { [K in keyof T]: Array<Awaited<ReturnType<T[K]>>> };
  for (let i = 0; i < plan.warmups + plan.runs; i++) {
    const order = i % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const value = await trials[name]!(i) as Awaited<ReturnType<T[typeof name]>>;
      if (i >= plan.warmups) out[name].push(value);
    }
    progress(`  ${i < plan.warmups ? 'warm-up' : 'run'} ${i < plan.warmups ? i + 1 : i - plan.warmups + 1}/${i < plan.warmups ? plan.warmups : plan.runs}`);
  }
  return out;
}

/** Milliseconds since `from` (performance.now based: monotonic, sub-millisecond). */
export const since = (from: number): number => performance.now() - from;
