// A question step's form: its prompt, then radio buttons (choices) or one text field (a value a
// machine computes when the learner answers), and Submit. A real <form>, so Enter submits; the
// prompt labels the field or the group. The prompt is plain text: React renders it as text.
import { useId, useState, type FormEvent } from 'react';
import { ANSWER_MAX_CHARS, type Result } from '../../../electron/shared/api.js';
import { CheckIcon } from '../app/icons.js';

type Question = NonNullable<Result<'getStep'>['question']>;

interface Props {
  question: Question;
  /** Why it cannot be answered now (the lab is not running); undefined when it can. */
  blocked: string | undefined;
  busy: boolean;
  onAnswer(answer: string): void;
}

/** Keyed by step in the player, so a new step starts with an empty answer. */
export function QuestionForm({ question, blocked, busy, onAnswer }: Props) {
  const id = useId();
  const [answer, setAnswer] = useState('');
  const ready = !blocked && !busy && answer.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) onAnswer(question.choices ? answer : answer.trim());
  };
  const button = (
    <button type="submit" className="button primary" disabled={!ready} title={blocked}>
      {busy ? <span className="spinner" aria-hidden="true" /> : <CheckIcon />} Submit
    </button>
  );
  if (question.choices) {
    return (
      <form className="question" onSubmit={submit}>
        <fieldset disabled={Boolean(blocked)}>
          <legend className="question-prompt">{question.prompt}</legend>
          <div className="question-choices">
            {question.choices.map((choice, i) => (
              <label key={i} className="question-choice">
                <input type="radio" name={`${id}-choice`} value={choice} checked={answer === choice} onChange={() => setAnswer(choice)} />
                <span>{choice}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="action-row">{button}</div>
      </form>
    );
  }
  return (
    <form className="question" onSubmit={submit}>
      <label className="question-prompt" htmlFor={`${id}-answer`}>{question.prompt}</label>
      <div className="action-row">
        <input id={`${id}-answer`} className="question-input" type="text" value={answer} maxLength={ANSWER_MAX_CHARS}
          autoComplete="off" autoCapitalize="off" spellCheck={false} disabled={Boolean(blocked)}
          placeholder={blocked ?? 'Your answer'} onChange={(e) => setAnswer(e.target.value)} />
        {button}
      </div>
    </form>
  );
}
