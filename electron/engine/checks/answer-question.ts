// A question step: the learner's answer against the right one, which for a typed question a
// machine computes now, from the lab as it is (so an observation is checked, not copied from the
// step's text). The learner's answer is only ever compared, never put into a script.
import { ANSWER_MAX_CHARS, ANSWER_TEXT } from '../../shared/api.js';
import type { Question } from '../labs/schema.js';
import type { ScriptResult } from '../machines/script-result.js';
import { compareAnswer } from './answer-match.js';
import { type CheckResult, failLines } from './check-result.js';
import { CHECK_TIMEOUT_S } from './run-check.js';

export type RunScript = (machine: string, script: string, timeoutMs: number) => Promise<ScriptResult>;

export type ComputedValue = { ok: true; value: string } | { ok: false; messages: string[] };

/** Said of any wrong answer: it must not give the right one away. */
export const WRONG_ANSWER = 'That is not the answer. Look again and try once more.';

/**
 * The right answer of a question: a choice's text, or the trimmed stdout of the answer script.
 * Its stderr is dropped (a warning is not part of the value); its FAIL: lines, when it fails,
 * tell the learner what to do first (start the process the question is about, say).
 */
export async function computeAnswer(runScript: RunScript, question: Question): Promise<ComputedValue> {
  const { answer } = question;
  if (typeof answer === 'string') return { ok: true, value: answer };
  const timeoutS = answer.timeout ?? CHECK_TIMEOUT_S;
  const r = await runScript(answer.machine, `{\n${answer.script}\n} 2>/dev/null`, timeoutS * 1000);
  const cannot = (why: string): ComputedValue => ({ ok: false, messages: [`Could not compute the answer in "${answer.machine}": ${why}`] });
  if (r.exitCode !== 0 || r.timedOut) return cannot(scriptFailure(r, timeoutS));
  const value = r.output.trim();
  if (!value) return cannot('its script printed nothing');
  if (r.truncated || value.length > ANSWER_MAX_CHARS) return cannot(`its answer is longer than the ${ANSWER_MAX_CHARS} characters a learner may type`);
  if (!ANSWER_TEXT.test(value)) return cannot('its answer is not one line of text a learner can type (it holds line breaks, tabs or other control characters)');
  return { ok: true, value };
}

/** Why the answer script failed, without its other output: that may hold the answer itself. */
function scriptFailure(r: ScriptResult, timeoutS: number): string {
  if (r.timedOut) return `its script timed out after ${timeoutS} s`;
  if (r.notRun) return r.output.split('\n')[0]!;
  const said = failLines(r.output);
  return said.length ? said.join('; ') : `its script exited with code ${r.exitCode}`;
}

/** Whether `given` answers the question; a wrong answer says so without the right one. */
export async function answerQuestion(runScript: RunScript, question: Question, given: string): Promise<CheckResult> {
  if (question.choices && !question.choices.includes(given)) {
    return { ok: false, messages: ['Pick one of the choices.'] };
  }
  const right = await computeAnswer(runScript, question);
  if (!right.ok) return right;
  // A choice is compared as picked; a typed value by the question's rule.
  switch (question.choices ? (given === right.value ? 'right' : 'wrong') : compareAnswer(given, right.value, question.match)) {
    case 'right': return { ok: true, messages: [] };
    case 'not-a-number': return { ok: false, messages: ['Answer with a number, such as 42.'] };
    case 'wrong': return { ok: false, messages: [WRONG_ANSWER] };
  }
}
