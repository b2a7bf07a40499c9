// How long to wait before reconnection attempt n (0-based): fast at first, at most 5 s, with
// jitter so thirty laptops on one Wi-Fi do not knock in step. Pure.
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.75 + random() * 0.5));
}
