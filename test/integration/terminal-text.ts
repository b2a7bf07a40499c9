// What a test sees of a terminal: its output without escape sequences and carriage returns,
// and a wait until a pattern shows there. Shared by the engine-level and WebSocket-level views.

// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r/g;

export const plainText = (text: string): string => text.replace(ESCAPES, '');

/** Polls `shown()` (plain text) until `pattern` matches; the error names `where` and shows the end of the text. */
export async function waitForText(shown: () => string, pattern: RegExp, where: string, timeoutMs: number): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(shown());
    if (m) return m;
    if (Date.now() > until) throw new Error(`no ${pattern} ${where} within ${timeoutMs} ms; it showed:\n${shown().slice(-600)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
