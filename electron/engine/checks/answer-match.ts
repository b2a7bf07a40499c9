// Whether a learner's typed answer is the answer a machine computed. Pure, so the rules the lab
// format promises (docs/lab-format.md, "Questions") are unit-tested here. Whitespace at both ends
// never counts: a learner copies a value from a terminal with its line break, and a script's
// output ends in one.
import type { AnswerMatch } from '../labs/schema.js';

/** A decimal number as people write one: 42, -3, +7, 0.5, .5, 042, 1.50. No exponents, no separators. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The number a text writes, or undefined when it is not a decimal number. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : undefined;
}

export type Comparison = 'right' | 'wrong' | 'not-a-number';

/** Compares a typed answer with the expected one; `not-a-number` when `number` is asked and the learner wrote none. */
export function compareAnswer(given: string, expected: string, match: AnswerMatch = 'exact'): Comparison {
  const g = given.trim();
  const e = expected.trim();
  switch (match) {
    case 'exact':
      return g === e ? 'right' : 'wrong';
    case 'ignore-case':
      return g.toLowerCase() === e.toLowerCase() ? 'right' : 'wrong';
    case 'number': {
      const n = parseDecimal(g);
      if (n === undefined) return 'not-a-number';
      return n === parseDecimal(e) ? 'right' : 'wrong';
    }
  }
}

/**
 * A wrong answer of the same form as `expected`, for `labvisor test` to prove that a question
 * refuses one (as a check must fail first). Appending a digit changes any decimal number's value
 * and any text, whatever its case.
 */
export function wrongAnswerFor(expected: string, match: AnswerMatch = 'exact'): string {
  const e = expected.trim();
  return match === 'number' ? `${e}1` : `${e} (wrong)`;
}
