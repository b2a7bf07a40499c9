// What a step does on a running session's machines: its check, its question (the learner's
// answer, and the right one for `labvisor test`) and its solution. LabSession hands these out;
// the machines are reached through its runScript, whatever their kind.
import type { Lab, Question, Step } from '../labs/schema.js';
import type { ScriptResult } from '../machines/script-result.js';
import { runCheck, describeScriptFailure, type CheckContext } from '../checks/run-check.js';
import type { CheckResult } from '../checks/check-result.js';
import { answerQuestion, computeAnswer, type ComputedValue } from '../checks/answer-question.js';

export const SOLVE_TIMEOUT_S = 60;

export class StepActions {
  constructor(
    private readonly lab: Lab,
    private readonly runScript: (machine: string, script: string, timeoutMs: number) => Promise<ScriptResult>,
    private readonly checkContext: () => CheckContext,
  ) {}

  private step(id: string): Step {
    const s = this.lab.steps.find((x) => x.id === id);
    if (!s) throw new Error(`lab "${this.lab.id}" has no step "${id}"`);
    return s;
  }

  async check(stepId: string): Promise<CheckResult> {
    const step = this.step(stepId);
    if (!step.check) return { ok: true, messages: [] };
    return runCheck(this.checkContext(), step.check);
  }

  /** Answers the step's question: a choice's text, or a typed value against what its machine computes now. */
  async answer(stepId: string, given: string): Promise<CheckResult> {
    return answerQuestion(this.runScript, this.question(stepId), given);
  }

  /** The right answer to the step's question as it stands now (for `labvisor test`; never sent to a learner). */
  async rightAnswer(stepId: string): Promise<ComputedValue> {
    return computeAnswer(this.runScript, this.question(stepId));
  }

  private question(stepId: string): Question {
    const { question } = this.step(stepId);
    if (!question) throw new Error(`step "${stepId}" of lab "${this.lab.id}" asks no question`);
    return question;
  }

  /** Runs the step's solution, action by action, stopping at the first that fails. */
  async solve(stepId: string): Promise<CheckResult> {
    for (const action of this.step(stepId).solve ?? []) {
      const timeoutS = action.timeout ?? SOLVE_TIMEOUT_S;
      const r = await this.runScript(action.machine, action.script, timeoutS * 1000);
      if (r.exitCode !== 0 || r.timedOut) {
        return { ok: false, messages: describeScriptFailure(r, timeoutS).map((m) => `solution in "${action.machine}": ${m}`) };
      }
    }
    return { ok: true, messages: [] };
  }
}
