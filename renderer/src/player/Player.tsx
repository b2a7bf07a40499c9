// The lab player: steps on the left, the current step in the middle (markdown with Run/Copy,
// check or question, hints, solution), the machines' terminals on the right, and the lenses
// below them when open. It finds a running session again after a reload and resumes at the saved step.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CheckResult, DoctorReport, LabSummary, MachineStatus, Result } from '../../../electron/shared/api.js';
import { ConfirmDialog } from '../app/ConfirmDialog.js';
import { nextOnPath } from '../../../electron/shared/learning-path.js';
import { errorText, useClient } from '../app/client-context.js';
import { BackIcon, LensIcon, ResetIcon, StopIcon } from '../app/icons.js';
import { typingInto } from '../app/shortcuts.js';
import { LensPanel } from '../lens/LensPanel.js';
import type { Highlight, LensName } from '../lens/lenses.js';
import { FONT, zoomFont, type Zoom } from '../terminal/font-size.js';
import { TerminalPanel } from '../terminal/TerminalPanel.js';
import type { TerminalHandle } from '../terminal/TerminalView.js';
import type { Runner } from './CodeBlock.js';
import { typedCommand } from './fence-info.js';
import { resumeStep } from './learner-state.js';
import { StartPanel } from './StartPanel.js';
import { checkCleared, checkEnded, checkStarted, idleCheck, type CheckState } from './check-state.js';
import { StepActions } from './StepActions.js';
import { StepList } from './StepList.js';
import { StepMarkdown } from './StepMarkdown.js';
import { useLabSession } from './use-lab-session.js';
import { useLearner } from './use-learner.js';

type Confirm = 'stop' | 'reset' | 'start-over';

const CONFIRMS: Record<Confirm, { title: string; body: string; confirm: string }> = {
  'stop': { title: 'Stop the lab?', body: 'Every machine, volume and network of this lab is removed. Your progress through the steps is kept.', confirm: 'Stop lab' },
  'reset': { title: 'Reset the lab?', body: 'The machines and volumes are made anew, as at the start; what you did in them is lost, and so are the marks of the steps checked in them. The step you are on, your hints and answers are kept.', confirm: 'Reset lab' },
  'start-over': { title: 'Start over?', body: 'Your progress in this lab is forgotten and the machines are made anew.', confirm: 'Start over' },
};

interface PlayerProps {
  labId: string;
  presenter: boolean;
  onTitle(title: string): void;
  onLeave(): void;
  /** Opens another lab (the next on the learning path). */
  onOpenLab(lab: string): void;
}

export function Player({ labId, presenter, onTitle, onLeave, onOpenLab }: PlayerProps) {
  const client = useClient();
  const [lab, setLab] = useState<LabSummary>();
  /** The lab after this one on the learning path. */
  const [next, setNext] = useState<LabSummary>();
  const [loadError, setLoadError] = useState<string>();
  const { learner, loaded, dispatch, clear, saveError } = useLearner(client, labId);
  const ls = useLabSession(client, labId);
  const steps = useMemo(() => new Map<string, Result<'getStep'>>(), []);
  const [step, setStep] = useState<Result<'getStep'>>();
  const [stepError, setStepError] = useState<string>();
  const [check, setCheck] = useState<CheckState>(idleCheck);
  const checking = useRef<string | null>(null);
  const [active, setActive] = useState<string>();
  const [split, setSplit] = useState(false);
  const [fontSize, setFontSize] = useState<number>(presenter ? FONT.PRESENTER : FONT.DEFAULT);
  const [doctor, setDoctor] = useState<DoctorReport>();
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [finished, setFinished] = useState(false);
  const handles = useRef(new Map<string, TerminalHandle>());
  const [ranBlocks, setRanBlocks] = useState<ReadonlySet<string>>(new Set());
  const content = useRef<HTMLDivElement>(null);
  const [lens, setLens] = useState<LensName | null>(null);
  const lastLens = useRef<LensName>('processes');
  const [highlight, setHighlight] = useState<Highlight | null>(null);
  const lensButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    client.call('listLabs', {}).then(({ labs }) => {
      const found = labs.find((l) => l.id === labId);
      if (found) {
        setLab(found);
        setNext(nextOnPath(labs, labId));
        onTitle(found.title);
      } else setLoadError(`There is no lab "${labId}".`);
    }, (err) => setLoadError(errorText(err)));
  }, [client, labId, onTitle]);

  useEffect(() => { setFontSize(presenter ? FONT.PRESENTER : FONT.DEFAULT); }, [presenter]);

  const stepIds = useMemo(() => lab?.steps.map((s) => s.id) ?? [], [lab]);
  const current = learner.currentStep && stepIds.includes(learner.currentStep) ? learner.currentStep : undefined;
  const index = current ? stepIds.indexOf(current) : -1;

  // Resume where the learner left off.
  useEffect(() => {
    if (!loaded || !lab || current) return;
    const resume = resumeStep(learner, stepIds);
    if (resume) dispatch({ type: 'open-step', step: resume });
  }, [loaded, lab, current, learner, stepIds, dispatch]);

  useEffect(() => {
    if (!current) return;
    setCheck(idleCheck);
    setFinished(false);
    setStepError(undefined);
    const cached = steps.get(current);
    if (cached) {
      setStep(cached);
      return;
    }
    let live = true;
    client.call('getStep', { lab: labId, step: current }).then((s) => {
      steps.set(current, s);
      if (live) setStep(s);
    }, (err) => { if (live) setStepError(errorText(err)); });
    return () => { live = false; };
  }, [client, labId, current, steps]);

  useEffect(() => { content.current?.scrollTo({ top: 0 }); }, [current]);

  const session = ls.session;
  const running = session?.state === 'running';
  const machines: MachineStatus[] = useMemo(() => session?.machines.length
    ? session.machines
    : (lab?.machines ?? []).map((m) => ({ ...m, readyMs: 0 })), [session, lab]);
  const shownActive = active && machines.some((m) => m.name === active) ? active : machines.find((m) => !m.unavailable)?.name;

  // Doctor knows the fix when a machine could not start or the lab failed.
  const needDoctor = Boolean(ls.error) || machines.some((m) => m.unavailable);
  useEffect(() => {
    if (needDoctor && !doctor) client.call('doctor', {}).then(setDoctor, () => {});
  }, [client, needDoctor, doctor]);
  const fixFor = useCallback((m: MachineStatus) => {
    if (!doctor) return undefined;
    const ids = m.kind === 'vm' ? ['guest-kernel', 'accelerator'] : m.kind === 'docker-host' ? ['engine', 'base-image', 'docker-host-view'] : ['engine', 'base-image'];
    const mine = (id: string) => ids.includes(id) || (m.kind === 'vm' && /^(runner|kernel):/.test(id));
    return doctor.checks.find((c) => mine(c.id) && c.status !== 'ok' && c.fix)?.fix;
  }, [doctor]);

  /** Runs the step's check, or (`answer`) answers its question; either passes the step. */
  const verify = useCallback(async (auto: boolean, answer?: string) => {
    if (!session || !current || checking.current) return;
    const stepId = current;
    checking.current = stepId;
    setCheck((c) => checkStarted(c, auto));
    let result: CheckResult | undefined;
    let error: string | undefined;
    try {
      result = answer === undefined
        ? await client.call('checkStep', { session: session.id, step: stepId })
        : await client.call('answerStep', { session: session.id, step: stepId, answer });
    } catch (err) {
      error = errorText(err);
    } finally {
      checking.current = null;
    }
    if (result?.ok) dispatch({ type: 'passed', step: stepId });
    // A check that fails now un-passes its step (an answer once right stays right).
    else if (result && answer === undefined) dispatch({ type: 'failed', step: stepId });
    setCheck((c) => checkEnded(c, auto, { ...(result ? { result } : {}), ...(error !== undefined ? { error } : {}) }, Date.now()));
  }, [client, session, current, dispatch]);
  const runCheck = useCallback((auto: boolean) => verify(auto), [verify]);
  const submitAnswer = useCallback((answer: string) => void verify(false, answer), [verify]);

  const passed = current !== undefined && learner.passed.includes(current);
  useEffect(() => {
    if (!step?.poll || !step.hasCheck || !running || passed || step.step !== current) return;
    const timer = setInterval(() => void runCheck(true), step.poll * 1000);
    return () => clearInterval(timer);
  }, [step, running, passed, current, runCheck]);

  // One runner for the page's life (markdown components depend on it); it reads the latest state.
  const live = useRef({ machines, running, terminals: ls.terminals, exited: ls.exited, ranBlocks });
  live.current = { machines, running, terminals: ls.terminals, exited: ls.exited, ranBlocks };
  const runner: Runner = useMemo(() => ({
    run: (machine, code, block) => {
      const handle = handles.current.get(machine);
      if (!handle) return false;
      setActive(machine);
      handle.type(typedCommand(code));
      setRanBlocks((ran) => new Set(ran).add(block));
      setCheck(checkCleared);
      return true;
    },
    ran: (block) => live.current.ranBlocks.has(block),
    kindOf: (machine) => live.current.machines.find((m) => m.name === machine)?.kind,
    openLens: (name) => setLens(name),
    lensBlocked: () => (live.current.running ? undefined : 'Start the lab first'),
    blocked: (machine) => {
      const { machines: all, running: on, terminals, exited } = live.current;
      const m = all.find((x) => x.name === machine);
      if (!m) return `this lab has no machine "${machine}"`;
      if (!on) return 'Start the lab first';
      if (m.unavailable) return `${machine} is unavailable: ${m.unavailable}`;
      if (m.stopped) return `${machine} stopped: ${m.stopped.split('\n')[0]}`;
      if (!terminals[machine] || exited[machine]) return `${machine} has no open terminal`;
      return undefined;
    },
  }), []);

  const openStep = useCallback((id: string | undefined) => { if (id) dispatch({ type: 'open-step', step: id }); }, [dispatch]);
  const goNext = useCallback(() => {
    if (!current || !step) return;
    if (!step.hasCheck && !step.question) dispatch({ type: 'passed', step: current });
    if (index === stepIds.length - 1) setFinished(true);
    else openStep(stepIds[index + 1]);
  }, [current, step, index, stepIds, dispatch, openStep]);

  const runNext = useCallback(() => {
    const next = content.current?.querySelector<HTMLButtonElement>('.code-block.runnable:not([data-ran]) [data-run]:not(:disabled)');
    if (next) {
      next.closest('figure')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      next.click();
    } else goNext();
  }, [goNext]);

  const zoom = useCallback((z: Zoom) => setFontSize((s) => zoomFont(s, z, presenter ? FONT.PRESENTER : FONT.DEFAULT)), [presenter]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target) || document.querySelector('dialog[open]')) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const act = (f: () => void) => { e.preventDefault(); f(); };
      if (key === 'n') act(runNext);
      else if (key === 'j' || key === 'ArrowRight') act(() => openStep(stepIds[index + 1]));
      else if (key === 'k' || key === 'ArrowLeft') act(() => openStep(stepIds[index - 1]));
      else if (key === 'c' && step?.hasCheck && running) act(() => void runCheck(false));
      else if (key === 'h' && step && current) act(() => dispatch({ type: 'hint', step: current, total: step.hints.length }));
      else if (key === 's') act(() => setSplit((s) => !s));
      else if (key === 'l' && running) act(() => setLens((l) => (l ? null : lastLens.current)));
      else if (/^[1-9]$/.test(key) && machines[Number(key) - 1]) act(() => setActive(machines[Number(key) - 1]!.name));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [runNext, openStep, stepIds, index, step, running, runCheck, current, dispatch, machines]);

  // Machines made anew (a Reset or Start over here, or from another window) or another session:
  // what the Run marks and the checks' marks said about the old machines is no longer true.
  const checkedSteps = useMemo(() => lab?.steps.filter((s) => s.hasCheck).map((s) => s.id) ?? [], [lab]);
  const resetting = session?.state === 'resetting';
  useEffect(() => {
    setRanBlocks(new Set());
    setCheck(idleCheck);
  }, [session?.id, resetting]);
  useEffect(() => {
    if (resetting) dispatch({ type: 'reset', checked: checkedSteps });
  }, [resetting, checkedSteps, dispatch]);

  useEffect(() => { if (lens) lastLens.current = lens; }, [lens]);
  // The lenses belong to a running session: a stopped or new one starts with them closed.
  useEffect(() => {
    setHighlight(null);
    if (!running) setLens(null);
  }, [session?.id, running]);

  // A highlight marks the machine's terminal tab too. The tabs are TerminalPanel's
  // (renderer/src/terminal, kept apart from the player), so the mark is a data attribute that
  // React does not manage there and leaves alone on re-render.
  useEffect(() => {
    const tab = highlight ? document.getElementById(`tab-${highlight.machine}`) : null;
    tab?.setAttribute('data-lens-highlight', '');
    return () => tab?.removeAttribute('data-lens-highlight');
  }, [highlight, ls.terminals, running, split]);

  const closeLens = useCallback(() => {
    setLens(null);
    lensButton.current?.focus();
  }, []);

  const doConfirm = async (what: Confirm) => {
    setConfirm(null);
    if (what === 'stop') await ls.stop();
    if (what === 'reset') await ls.reset();
    if (what === 'start-over') {
      await clear().catch(() => {});
      setRanBlocks(new Set());
      setCheck(idleCheck);
      ls.forgetShown();
      if (running) await ls.reset();
    }
  };

  if (loadError) {
    return <main id="main" className="player-error"><div className="error-box" role="alert"><p>{loadError}</p><button type="button" className="button" onClick={onLeave}>Back to the labs</button></div></main>;
  }
  if (!lab) return <main id="main" className="loading"><span className="spinner" aria-hidden="true" /> Loading the lab…</main>;

  const markdownHasTitle = step ? /^#\s/m.test(step.markdown) : false;
  const state = session?.state;
  const stateLabel = ls.busy === 'stopping' ? 'Stopping…' : state === 'running' ? 'Running' : state === 'starting' ? 'Starting…' : state === 'resetting' ? 'Resetting…' : 'Not running';

  return (
    <main id="main" className="player" tabIndex={-1}>
      <div className="lab-bar" data-session={session?.id}>
        <button type="button" className="button ghost small" onClick={onLeave}><BackIcon /> All labs</button>
        <span className="lab-title">{lab.title}</span>
        <span className={`badge state-${state ?? 'none'}`} role="status">{stateLabel}</span>
        {saveError && <span className="badge warn" title={saveError}>Progress not saved</span>}
        <span className="spacer" />
        <button type="button" className="button ghost small" ref={lensButton} aria-expanded={lens !== null} aria-controls={lens ? 'lens-panel' : undefined}
          disabled={!running} title={running ? 'Lenses: processes, kernels, footprint, images, volumes (L)' : 'Start the lab to open the lenses'}
          onClick={() => setLens((l) => (l ? null : lastLens.current))}><LensIcon /> Lenses</button>
        <button type="button" className="button ghost small" onClick={() => setConfirm('start-over')} disabled={Boolean(ls.busy) || state === 'starting' || state === 'resetting'}>Start over</button>
        <button type="button" className="button ghost small" onClick={() => setConfirm('reset')} disabled={!running || Boolean(ls.busy)}><ResetIcon /> Reset lab</button>
        <button type="button" className="button ghost small danger-text" onClick={() => setConfirm('stop')} disabled={!session || !['running', 'starting', 'resetting'].includes(state ?? '') || Boolean(ls.busy)}><StopIcon /> Stop lab</button>
      </div>
      <div className="player-body">
        <StepList steps={lab.steps} learner={learner} current={current} onOpen={openStep} />
        <section className="step-pane" aria-label="Step">
          <div className="step-content" ref={content}>
            <div className="step-kicker muted">Step {index + 1} of {stepIds.length}</div>
            {stepError && <p className="error-box" role="alert">Could not load this step: {stepError}</p>}
            {step && step.step === current && (
              <article className="markdown">
                {!markdownHasTitle && <h1>{step.title}</h1>}
                <StepMarkdown markdown={step.markdown} runner={runner} id={step.step} />
              </article>
            )}
            {finished && (
              <div className="result pass finished" role="status">
                <div>
                  <strong>Lab complete.</strong> You did every step of “{lab.title}”.
                  {next && <p>Next on the learning path: “{next.title}” ({next.duration} min, {next.difficulty}).</p>}
                  {!next && lab.order !== undefined && <p>That was the last lab of the learning path.</p>}
                  <div className="action-row">
                    {next && (
                      <button type="button" className="button primary" onClick={() => void (running ? ls.stop() : Promise.resolve()).then(() => onOpenLab(next.id))}>
                        {running ? 'Stop this lab and start the next →' : 'Start the next lab →'}
                      </button>
                    )}
                    {running && <button type="button" className={`button${next ? '' : ' primary'}`} onClick={() => void ls.stop().then(onLeave)}>Stop the lab and go back</button>}
                    <button type="button" className="button" onClick={onLeave}>Back to the labs</button>
                  </div>
                </div>
              </div>
            )}
          </div>
          {step && step.step === current && (
            <StepActions step={step} passed={passed} running={running} check={check}
              hintsShown={learner.hintsShown[step.step] ?? 0} solutionShown={learner.solutionsShown.includes(step.step)}
              runner={runner} isLast={index === stepIds.length - 1}
              onCheck={() => void runCheck(false)} onAnswer={submitAnswer}
              onHint={() => dispatch({ type: 'hint', step: step.step, total: step.hints.length })}
              onSolution={() => dispatch({ type: 'solution', step: step.step })}
              onNext={goNext} />
          )}
        </section>
        <div className="machines-pane">
          {running && !ls.busy ? (
            <TerminalPanel client={client} machines={machines} terminals={ls.terminals} exited={ls.exited} active={shownActive} split={split}
              fontSize={fontSize} contrast={presenter} fixFor={fixFor} handles={handles}
              onActivate={setActive} onSplit={setSplit} onZoom={zoom} onExit={ls.terminalEnded} onReopen={ls.reopen} />
          ) : ls.known ? (
            <StartPanel lab={lab} progress={ls.progress} {...(ls.busy ? { busy: state === 'resetting' ? 'resetting' : ls.busy } : state === 'starting' || state === 'resetting' ? { busy: state } : {})}
              {...(ls.error ? { error: ls.error } : {})} {...(doctor ? { doctor } : {})}
              canStart={!ls.busy && !session?.state?.match(/starting|resetting|running/)} onStart={() => void ls.start()} />
          ) : <div className="pane-message"><span className="spinner" aria-hidden="true" /> Looking for a running session…</div>}
          {lens && running && session && !ls.busy && (
            <LensPanel lens={lens} session={session.id} lab={lab} highlight={highlight} onHighlight={setHighlight} onOpen={setLens} onClose={closeLens} />
          )}
        </div>
      </div>
      {confirm && <ConfirmDialog {...CONFIRMS[confirm]} onConfirm={() => void doConfirm(confirm)} onCancel={() => setConfirm(null)} />}
    </main>
  );
}
