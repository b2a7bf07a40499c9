// Types a script into a terminal as a person would, for a room to follow (presenter mode's
// "Play in terminal"): one character at a time at a readable pace, and a longer pause after each
// Enter, so that a command's output shows before the next line starts. Pure but for the timers:
// it is given where to write, and can be stopped between any two characters.

export interface Pace {
  /** Between two characters of a line. */
  charMs: number;
  /** After an Enter (a carriage return or line feed). */
  lineMs: number;
}

/** About 30 characters a second, readable from the back of a room; most of a second after each Enter. */
export const READABLE_PACE: Pace = { charMs: 33, lineMs: 800 };

export interface Typing {
  /** True once the last character is written; false when stopped before. */
  readonly done: Promise<boolean>;
  /** Writes nothing more; harmless after the end. */
  stop(): void;
}

/** Starts typing `text` through `write`, a character (a code point) at a time, the first one a tick later. */
export function typeIntoTerminal(text: string, write: (char: string) => void, pace: Pace = READABLE_PACE): Typing {
  const chars = Array.from(text);
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  let settle: (finished: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => { settle = resolve; });

  const end = (finished: boolean) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    ended = true;
    settle(finished);
  };
  const typeOne = () => {
    const char = chars[next++];
    if (char === undefined) return end(true);
    write(char);
    if (ended) return; // `write` stopped it
    if (next === chars.length) return end(true);
    timer = setTimeout(typeOne, char === '\r' || char === '\n' ? pace.lineMs : pace.charMs);
  };
  timer = setTimeout(typeOne, 0);
  return { done, stop: () => end(false) };
}
