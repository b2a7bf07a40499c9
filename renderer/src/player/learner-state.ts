// What a learner did in a lab (the saved LabProgress) and the changes the player makes to it.
// Pure: the reducer is unit-tested; the player saves the result after every change.
import type { LabProgress, Params } from '../../../electron/shared/api.js';

export type LearnerAction =
  | { type: 'loaded'; progress: LabProgress }
  | { type: 'open-step'; step: string }
  | { type: 'passed'; step: string }
  /** The step's check ran and failed: whatever passed it before is no longer so. */
  | { type: 'failed'; step: string }
  /** The lab's machines were made anew: the marks of steps passed by a check (`checked`) go. */
  | { type: 'reset'; checked: readonly string[] }
  | { type: 'hint'; step: string; total: number }
  | { type: 'solution'; step: string }
  | { type: 'cleared' };

export const emptyLearner = (lab: string): LabProgress => ({ lab, passed: [], hintsShown: {}, solutionsShown: [] });

export function learnerReducer(state: LabProgress, action: LearnerAction): LabProgress {
  switch (action.type) {
    case 'loaded': return action.progress;
    case 'open-step': return state.currentStep === action.step ? state : { ...state, currentStep: action.step };
    case 'passed': return state.passed.includes(action.step) ? state : { ...state, passed: [...state.passed, action.step] };
    case 'failed': return state.passed.includes(action.step) ? { ...state, passed: state.passed.filter((s) => s !== action.step) } : state;
    case 'reset': return state.passed.some((s) => action.checked.includes(s)) ? { ...state, passed: state.passed.filter((s) => !action.checked.includes(s)) } : state;
    case 'hint': {
      const shown = state.hintsShown[action.step] ?? 0;
      if (shown >= action.total) return state;
      return { ...state, hintsShown: { ...state.hintsShown, [action.step]: shown + 1 } };
    }
    case 'solution': return state.solutionsShown.includes(action.step) ? state : { ...state, solutionsShown: [...state.solutionsShown, action.step] };
    case 'cleared': return emptyLearner(state.lab);
  }
}

/** The saveProgress request for a state. */
export function toSaveParams(state: LabProgress): Params<'saveProgress'> {
  return {
    lab: state.lab,
    ...(state.currentStep !== undefined ? { currentStep: state.currentStep } : {}),
    passed: state.passed, hintsShown: state.hintsShown, solutionsShown: state.solutionsShown,
  };
}

export type StepStatus = 'passed' | 'current' | 'todo';

export function stepStatus(state: LabProgress, step: string, current: string | undefined): StepStatus {
  if (state.passed.includes(step)) return 'passed';
  return step === current ? 'current' : 'todo';
}

/** Where a learner resumes: the saved step, else the first step not passed, else the first. */
export function resumeStep(state: LabProgress, steps: string[]): string | undefined {
  if (state.currentStep && steps.includes(state.currentStep)) return state.currentStep;
  return steps.find((s) => !state.passed.includes(s)) ?? steps[0];
}
