// Under a step: its check (on click, or by itself every `poll` seconds) with the FAIL lines, or
// its question, hints opened one at a time, the solution on request, and the way to the next step.
import type { Result } from '../../../electron/shared/api.js';
import { BulbIcon, CheckIcon, CrossIcon } from '../app/icons.js';
import { CodeBlock } from './CodeBlock.js';
import { QuestionForm } from './QuestionForm.js';
import { StepMarkdown } from './StepMarkdown.js';
import { solutionBlock, type DemoPlay } from './use-demo-play.js';

import type { CheckState } from './check-state.js';

interface Props {
  step: Result<'getStep'>;
  passed: boolean;
  running: boolean;
  check: CheckState;
  hintsShown: number;
  solutionShown: boolean;
  isLast: boolean;
  onCheck(): void;
  onAnswer(answer: string): void;
  onHint(): void;
  onSolution(): void;
  onNext(): void;
  /** Presenter mode's "Play in terminal" for the solution's blocks. */
  demo?: DemoPlay | undefined;
}

export function StepActions(p: Props) {
  const { step, check } = p;
  // A step the learner must pass: by its check, or by answering its question.
  const gated = step.hasCheck || step.question !== undefined;
  return (
    <div className="step-actions">
      {step.question && (
        <QuestionForm key={step.step} question={step.question} blocked={p.running ? undefined : 'Start the lab first'}
          busy={check.running} onAnswer={p.onAnswer} />
      )}
      {(p.hintsShown > 0 || p.solutionShown) && (
        <div className="help-area">
          {step.hints.slice(0, p.hintsShown).map((h, i) => (
            <div key={i} className="hint" role="note" aria-label={`Hint ${i + 1}`}>
              <BulbIcon /><div><strong>Hint {i + 1}</strong> <StepMarkdown markdown={h} inline id={`${step.step}-hint-${i}`} /></div>
            </div>
          ))}
          {p.solutionShown && (
            <div className="solution" role="region" aria-label="Solution">
              <strong>Solution</strong>
              {step.solution.map((s, i) => <CodeBlock key={i} code={s.script.replace(/\n$/, '')} machine={s.machine} block={solutionBlock(step.step, i)} demo={p.demo} />)}
            </div>
          )}
        </div>
      )}
      {/* Its room is kept on a step with a check or question, so a result appearing moves nothing. */}
      <div className={`check-result${gated ? ' reserve' : ''}`} aria-live="polite">
        {check.error && <div className="result fail" role="alert"><CrossIcon /><div><strong>{step.question ? 'Your answer could not be checked.' : 'The check could not run.'}</strong><p>{check.error}</p></div></div>}
        {!check.error && gated && p.passed && (
          <div className="result pass"><CheckIcon /><div><strong>Step complete.</strong> {p.isLast ? 'That was the last step.' : 'On to the next one.'}</div></div>
        )}
        {!check.error && !p.passed && check.result && !check.result.ok && (
          <div className="result fail" key={check.at}>
            <CrossIcon />
            <div>
              <strong>Not yet.</strong>
              <ul>{check.result.messages.map((m, i) => <li key={i}>{m.replace(/^FAIL:\s*/, '')}</li>)}</ul>
            </div>
          </div>
        )}
      </div>
      <div className="action-row">
        {step.hasCheck && (
          <button type="button" className="button primary" onClick={p.onCheck} disabled={!p.running || check.running} title="Check this step (C)">
            {check.running && !check.polling ? <span className="spinner" aria-hidden="true" /> : <CheckIcon />} Check
          </button>
        )}
        {step.hints.length > 0 && (
          <button type="button" className="button" onClick={p.onHint} disabled={p.hintsShown >= step.hints.length} title="Show the next hint (H)">
            <BulbIcon /> {p.hintsShown >= step.hints.length ? 'No more hints' : `Hint ${p.hintsShown + 1} of ${step.hints.length}`}
          </button>
        )}
        {step.solution.length > 0 && !p.solutionShown && (
          <button type="button" className="button ghost" onClick={p.onSolution}>Show solution</button>
        )}
        <span className="spacer" />
        {step.hasCheck && step.poll !== undefined && !p.passed && p.running && (
          <span className="muted poll-note"><span className="live-dot" aria-hidden="true" /> Checks itself every {step.poll} s</span>
        )}
        <button type="button" className={`button ${p.passed || !gated ? 'primary' : ''}`} onClick={p.onNext} title="Next step (J)">
          {p.isLast ? 'Finish' : 'Next step →'}
        </button>
      </div>
    </div>
  );
}
