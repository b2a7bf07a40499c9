// The lab player: steps on the left, the current step in the middle (markdown with Run/Copy,
// check or question, hints, solution), the machines' terminals on the right, and the lenses
// below them when open. It finds a running session again after a reload and resumes at the saved
// step. The state lives in hooks by concern (the session, the step's text, its check, the keys,
// the lens, the lab bar's actions, machines made anew); this component wires them and moves the
// keyboard focus to where the learner works next (use-focus-later.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MachineStatus } from '../../../electron/shared/api.js';
import { ConfirmDialog } from '../app/ConfirmDialog.js';
import { useClient } from '../app/client-context.js';
import { useKeyedState } from '../app/keyed-state.js';
import { PanelBoundary } from '../app/PanelBoundary.js';
import { useWindowWidth } from '../app/use-window-width.js';
import { LensPanel } from '../lens/LensPanel.js';
import { FONT, presenterFont, zoomFont, type Zoom } from '../terminal/font-size.js';
import { TerminalPanel } from '../terminal/TerminalPanel.js';
import type { TerminalHandle } from '../terminal/TerminalView.js';
import { CatchUpNotice } from './CatchUpNotice.js';
import { LabInterrupted } from './LabInterrupted.js';
import { FinishedPanel } from './FinishedPanel.js';
import { LabBar } from './LabBar.js';
import { resumeStep } from './learner-state.js';
import { RunnerContext } from './runner-context.js';
import { StartPanel } from './StartPanel.js';
import { StepActions } from './StepActions.js';
import { StepList } from './StepList.js';
import { StepMarkdown } from './StepMarkdown.js';
import { useDemoPlay } from './use-demo-play.js';
import { useCatchUp } from './use-catch-up.js';
import { useDoctorFix } from './use-doctor-fix.js';
import { FOCUS, useFocusLater } from './use-focus-later.js';
import { CONFIRMS, useLabActions } from './use-lab-actions.js';
import { useLabSession } from './use-lab-session.js';
import { useLabSummary } from './use-lab-summary.js';
import { useLearner } from './use-learner.js';
import { useMachinesRenewed } from './use-machines-renewed.js';
import { usePlayerKeys } from './use-player-keys.js';
import { usePlayerLens } from './use-player-lens.js';
import { usePlayerRunner } from './use-runner.js';
import { useStepCheck } from './use-step-check.js';
import { useStepText } from './use-step-text.js';
import { useStepMarker } from '../recordings/use-step-marker.js';

const NO_BLOCKS: ReadonlySet<string> = new Set();

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
  const { lab, next, loadError } = useLabSummary(client, labId, onTitle);
  const { learner, loaded, dispatch, clear, saveError } = useLearner(client, labId);
  const ls = useLabSession(client, labId);
  const session = ls.session;
  const running = session?.state === 'running';

  const stepIds = useMemo(() => lab?.steps.map((s) => s.id) ?? [], [lab]);
  const current = learner.currentStep && stepIds.includes(learner.currentStep) ? learner.currentStep : undefined;
  const index = current ? stepIds.indexOf(current) : -1;
  const { step: stepText, stepError } = useStepText(client, labId, current);
  const step = stepText?.step === current ? stepText : undefined;
  const passed = current !== undefined && learner.passed.includes(current);
  useStepMarker(client, session, step?.title);
  const { check, runCheck, submitAnswer, clearCheck } = useStepCheck({ client, session, generation: ls.generation, current, step, passed, dispatch });

  // What is true only of one step, of the machines of one start, or of one base font.
  const [finished, setFinished] = useKeyedState(current ?? '', false);
  const [ranBlocks, setRanBlocks] = useKeyedState(String(ls.generation), NO_BLOCKS);
  const windowWidth = useWindowWidth();
  const baseFont = presenter ? presenterFont(windowWidth) : FONT.DEFAULT;
  const [fontSize, setFontSize] = useKeyedState<number>(String(baseFont), baseFont);
  const [active, setActive] = useState<string>();
  const [split, setSplit] = useState(false);
  const { lens, setLens, highlight, setHighlight, lensButton, toggleLens, closeLens } = usePlayerLens({ session: session?.id, running, terminals: ls.terminals, split });
  const handles = useRef(new Map<string, TerminalHandle>());
  const content = useRef<HTMLDivElement>(null);

  const machines: MachineStatus[] = useMemo(() => session?.machines.length
    ? session.machines
    : (lab?.machines ?? []).map((m) => ({ ...m, readyMs: 0 })), [session, lab]);
  const shownActive = active && machines.some((m) => m.name === active) ? active : machines.find((m) => !m.unavailable)?.name;
  const { doctor, fixFor } = useDoctorFix(client, Boolean(ls.error) || machines.some((m) => m.unavailable));

  // The focus goes where the learner works next; one pending move at a time.
  const focusLater = useFocusLater();

  // Resume where the learner left off.
  useEffect(() => {
    if (!loaded || !lab || current) return;
    const resume = resumeStep(learner, stepIds);
    if (resume) dispatch({ type: 'open-step', step: resume });
  }, [loaded, lab, current, learner, stepIds, dispatch]);

  useEffect(() => { content.current?.scrollTo({ top: 0 }); }, [current]);

  // On opening the lab: its terminal when it runs, else its Start button.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || !lab || !ls.known) return;
    opened.current = true;
    focusLater(running ? FOCUS.anyTerminal : FOCUS.start);
  }, [lab, ls.known, running, focusLater]);

  const openStep = useCallback((id: string | undefined) => {
    if (!id) return;
    dispatch({ type: 'open-step', step: id });
    focusLater(FOCUS.step);
  }, [dispatch, focusLater]);
  const { catchUp, skipTo } = useCatchUp({ client, session, generation: ls.generation, stepIds, dispatch, onLanded: openStep });
  const goNext = useCallback(() => {
    if (!current || !step) return;
    if (!step.hasCheck && !step.question) dispatch({ type: 'passed', step: current });
    if (index === stepIds.length - 1) {
      setFinished(true);
      focusLater(FOCUS.finished);
    } else openStep(stepIds[index + 1]);
  }, [current, step, index, stepIds, dispatch, openStep, setFinished, focusLater]);

  const runNext = useCallback(() => {
    const next = content.current?.querySelector<HTMLButtonElement>('.code-block.runnable:not([data-ran]) [data-run]:not(:disabled)');
    if (next) {
      next.closest('figure')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      next.click();
    } else goNext();
  }, [goNext]);

  const showMachine = useCallback((machine: string, focus: boolean) => {
    setActive(machine);
    if (focus) focusLater(FOCUS.terminal(machine));
  }, [focusLater]);
  const zoom = useCallback((z: Zoom) => setFontSize((s) => zoomFont(s, z, baseFont)), [baseFont, setFontSize]);

  const onRan = useCallback((machine: string, block: string) => {
    setActive(machine);
    setRanBlocks((ran) => new Set(ran).add(block));
    clearCheck();
  }, [setRanBlocks, clearCheck]);
  const runner = usePlayerRunner({ machines, running, terminals: ls.terminals, exited: ls.exited, ranBlocks, handles, onRan, openLens: setLens });
  const showSolution = useCallback(() => { if (current) dispatch({ type: 'solution', step: current }); }, [current, dispatch]);
  const demo = useDemoPlay({
    enabled: presenter, running, machines, terminals: ls.terminals, exited: ls.exited, handles, reopen: ls.reopen,
    show: (machine) => showMachine(machine, false), onPlayed: onRan, scope: `${current}/${ls.generation}/${session?.id}/${running}`,
    solution: step ? { step: step.step, blocks: step.solution, shown: learner.solutionsShown.includes(step.step) } : undefined,
    showSolution, ranBlocks,
  });

  usePlayerKeys({
    runNext,
    nextStep: () => openStep(stepIds[index + 1]),
    previousStep: () => openStep(stepIds[index - 1]),
    ...(step?.hasCheck && running ? { check: () => void runCheck(false) } : {}),
    ...(step && current ? { hint: () => dispatch({ type: 'hint', step: current, total: step.hints.length }) } : {}),
    toggleSplit: () => setSplit((s) => !s),
    ...(running ? { toggleLens } : {}),
    lensOpen: lens !== null,
    closeLens,
    machines: machines.map((m) => m.name),
    showMachine: (machine) => showMachine(machine, true),
  });

  const { confirm, setConfirm, start, doConfirm } = useLabActions({ ls, running, focusLater, clear, forgetRuns: () => { setRanBlocks(NO_BLOCKS); clearCheck(); } });
  const { engine, engineEnded, resumeAt } = useMachinesRenewed({ client, lab, session, running, busy: ls.busy, stepIds, dispatch, skipTo });
  const startOver = () => {
    resumeAt(current);
    start();
  };

  if (loadError) {
    return <main id="main" className="player-error"><div className="error-box" role="alert"><p>{loadError}</p><button type="button" className="button" onClick={onLeave}>Back to the labs</button></div></main>;
  }
  if (!lab) return <main id="main" className="loading"><span className="spinner" aria-hidden="true" /> Loading the lab…</main>;

  const markdownHasTitle = step ? /^#\s/m.test(step.markdown) : false;
  const state = session?.state;

  return (
    <main id="main" className="player" tabIndex={-1}>
      <LabBar title={lab.title} session={session} busy={ls.busy} saveError={saveError} lensOpen={lens !== null} lensButton={lensButton}
        onLeave={onLeave} onToggleLens={toggleLens} onConfirm={setConfirm} />
      <RunnerContext value={runner}>
        <div className="player-body">
          <PanelBoundary name="the list of steps">
            <StepList steps={lab.steps} learner={learner} current={current} onOpen={openStep} />
          </PanelBoundary>
          <section className="step-pane" aria-label="Step">
            <PanelBoundary name="this step">
              <div className="step-content" ref={content} tabIndex={-1} aria-label="Step text">
                <div className="step-kicker muted">Step {index + 1} of {stepIds.length}</div>
                {stepError && <p className="error-box" role="alert">Could not load this step: {stepError}</p>}
                <LabInterrupted engine={engine} ended={engineEnded ?? ls.endedAway} busy={Boolean(ls.busy)} onStartOver={startOver} />
                <CatchUpNotice steps={lab.steps} current={current} learner={learner} running={running && !ls.busy} catchUp={catchUp} onSkip={(s) => void skipTo(s)} />
                {step && (
                  <article className="markdown">
                    {!markdownHasTitle && <h1>{step.title}</h1>}
                    <StepMarkdown markdown={step.markdown} id={step.step} />
                  </article>
                )}
                {finished && (
                  <FinishedPanel lab={lab} next={next} running={running}
                    onStartNext={() => { if (next) void (running ? ls.stop() : Promise.resolve()).then(() => onOpenLab(next.id)); }}
                    onStopAndLeave={() => void ls.stop().then(onLeave)} onLeave={onLeave} />
                )}
              </div>
              {step && (
                <StepActions step={step} passed={passed} running={running} check={check}
                  hintsShown={learner.hintsShown[step.step] ?? 0} solutionShown={learner.solutionsShown.includes(step.step)}
                  isLast={index === stepIds.length - 1}
                  onCheck={() => void runCheck(false)} onAnswer={submitAnswer}
                  onHint={() => dispatch({ type: 'hint', step: step.step, total: step.hints.length })}
                  onSolution={() => dispatch({ type: 'solution', step: step.step })}
                  onNext={goNext} demo={demo} />
              )}
            </PanelBoundary>
          </section>
          <div className="machines-pane">
            <PanelBoundary name="the terminals">
              {running && !ls.busy ? (
                <TerminalPanel client={client} machines={machines} terminals={ls.terminals} exited={ls.exited} active={shownActive} split={split}
                  fontSize={fontSize} contrast={presenter} fixFor={fixFor} handles={handles}
                  onActivate={showMachine} onSplit={setSplit} onZoom={zoom} onExit={ls.terminalEnded}
                  onReopen={(machine) => { ls.reopen(machine); focusLater(FOCUS.terminal(machine)); }} />
              ) : ls.known ? (
                <StartPanel lab={lab} progress={ls.progress} {...(ls.busy ? { busy: state === 'resetting' ? 'resetting' : ls.busy } : state === 'starting' || state === 'resetting' ? { busy: state } : {})}
                  {...(ls.error ? { error: ls.error } : {})} {...(doctor ? { doctor } : {})}
                  canStart={!ls.busy && !session?.state?.match(/starting|resetting|running/)} onStart={start} />
              ) : <div className="pane-message"><span className="spinner" aria-hidden="true" /> Looking for a running session…</div>}
            </PanelBoundary>
            {lens && session && !ls.busy && (
              <PanelBoundary name="the lenses">
                <LensPanel lens={lens} session={session.id} lab={lab} highlight={highlight} onHighlight={setHighlight} onOpen={setLens} onClose={closeLens} />
              </PanelBoundary>
            )}
          </div>
        </div>
      </RunnerContext>
      {confirm && <ConfirmDialog {...CONFIRMS[confirm]} onConfirm={() => void doConfirm(confirm)} onCancel={() => setConfirm(null)} />}
    </main>
  );
}
