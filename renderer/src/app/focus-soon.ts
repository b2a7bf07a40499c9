// Moves the keyboard focus to where the learner works next once that element is on the page (a
// terminal appears only when its machine is up, a start button once the session is known). It
// gives up when the learner presses a key or the pointer meanwhile, or after `timeoutMs`: it never
// takes the focus from someone who has moved on.
const POLL_MS = 100;

export function focusSoon(selector: string, timeoutMs = 5_000): () => void {
  const deadline = Date.now() + timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    window.removeEventListener('keydown', stop, true);
    window.removeEventListener('pointerdown', stop, true);
  };
  const attempt = () => {
    const target = document.querySelector<HTMLElement>(selector);
    if (target && target.offsetParent !== null) {
      stop();
      target.focus();
    } else if (Date.now() < deadline) timer = setTimeout(attempt, POLL_MS);
    else stop();
  };
  window.addEventListener('keydown', stop, true);
  window.addEventListener('pointerdown', stop, true);
  // After this event's re-render: what the action removes (an old terminal) is gone by then.
  timer = setTimeout(attempt, 0);
  return stop;
}
