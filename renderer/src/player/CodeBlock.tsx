// A fenced block of step markdown. Tagged to a machine (`sh @app`), it gets "Run", which types
// it into that machine's terminal, and "Copy"; untagged blocks only get "Copy". Long lines wrap
// (a beginner copying by eye sees the whole command); each line is its own box, so a wrapped
// line's rest is indented under it: the cue that it is one line, not two. In presenter mode a
// solution's block also gets "Play" (`demo`): typed into the terminal slowly, for the room.
import { useState } from 'react';
import { CheckIcon, CopyIcon, MachineIcon, PlayIcon, StopIcon } from '../app/icons.js';
import { useRunner } from './runner-context.js';
import type { DemoPlay } from './use-demo-play.js';

export function CodeBlock({ code, machine, language, block, demo }: { code: string; machine?: string; language?: string; block: string; demo?: DemoPlay }) {
  const runner = useRunner();
  const ran = runner.ran(block);
  const [copied, setCopied] = useState(false);
  const kind = machine ? runner.kindOf(machine) : undefined;
  const blocked = machine ? runner.blocked(machine) : undefined;
  const copy = () => {
    navigator.clipboard?.writeText(code).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    }).catch(() => {});
  };
  return (
    <figure className={`code-block ${machine ? 'runnable' : ''}`} data-machine={machine} data-ran={ran ? 'true' : undefined}
      data-playing={demo?.playing?.block === block ? 'true' : undefined}>
      <figcaption>
        {machine ? (
          <span className={`machine-chip ${kind ?? ''}`}>{kind && <MachineIcon kind={kind} />}{machine}</span>
        ) : <span className="muted">{language ?? 'text'}</span>}
        <span className="code-actions">
          <button type="button" className="button small ghost" onClick={copy} aria-label={machine ? `Copy the command for ${machine}` : 'Copy'}>
            {copied ? <CheckIcon /> : <CopyIcon />}{copied ? 'Copied' : 'Copy'}
          </button>
          {machine && (
            <button type="button" className="button small run" disabled={blocked !== undefined} title={blocked ?? `Type this into the terminal of ${machine}`}
              data-run="" aria-label={`Run in ${machine}`}
              onClick={() => runner.run(machine, code, block)}>
              {ran ? <CheckIcon /> : <PlayIcon />}Run
            </button>
          )}
          {machine && demo && <PlayButton demo={demo} machine={machine} code={code} block={block} />}
        </span>
      </figcaption>
      <pre tabIndex={0} aria-label={machine ? `Command for ${machine}` : 'Code'}><code>{code.split('\n').map((line, i) => <span key={i} className="code-line">{line}</span>)}</code></pre>
    </figure>
  );
}

/** Play (or Stop, while this block plays), with what is happening beside it. */
function PlayButton({ demo, machine, code, block }: { demo: DemoPlay; machine: string; code: string; block: string }) {
  const mine = demo.playing?.block === block ? demo.playing : undefined;
  const blocked = demo.blocked(machine) ?? (demo.playing && !mine ? 'Another block is playing' : undefined);
  return (
    <>
      {mine && <span className="demo-status" role="status">{mine.opening ? `Opening a shell on ${machine}…` : 'Playing…'}</span>}
      <button type="button" className={`button small play ${mine ? 'playing' : ''}`} data-play="" disabled={!mine && blocked !== undefined}
        title={mine ? 'Stop typing (Esc)' : blocked ?? `Type this into the terminal of ${machine} at a readable pace, for the room to follow (D)`}
        aria-label={mine ? 'Stop playing' : `Play in the terminal of ${machine}`}
        onClick={() => (mine ? demo.stop() : demo.play(machine, code, block))}>
        {mine ? <StopIcon /> : <PlayIcon />}{mine ? 'Stop' : 'Play'}
      </button>
    </>
  );
}
