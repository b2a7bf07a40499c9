// What a VM's boot waits on besides the agent: the runner's exit (which fails the boot) and a
// shell prompt on the guest's console.
import type Docker from 'dockerode';
import { ESCAPES } from './runner-end.js';

/** A console prompt of a shell: `# ` or `$ ` at the end of what ttyS0 printed. */
const PROMPT = /[#$] $/;

/** Resolves with the runner's exit code once it stops; rejects when `signal` ends the wait. */
export function waitForExit(docker: Docker, container: string, signal: AbortSignal): Promise<number> {
  const exit = docker.getContainer(container).wait({ abortSignal: signal }).then((r: { StatusCode: number }) => r.StatusCode);
  exit.catch(() => {});
  return exit;
}

/** Rejects once the runner stops (QEMU exited or was killed): what a boot races. */
export function failOnExit(exit: Promise<number>): Promise<never> {
  const failed = exit.then((code) => { throw new Error(`the VM's runner stopped (QEMU exited with code ${code})`); });
  failed.catch(() => {});
  return failed;
}

/** Resolves when the console's output ends in a shell prompt. */
export function watchForPrompt(console: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    let tail = '';
    const onData = (c: Buffer) => {
      tail = (tail + c.toString('utf8')).slice(-200).replace(ESCAPES, '');
      // The newline that nudges the shell may be echoed right behind its prompt.
      if (PROMPT.test(tail.replace(/[\r\n]+$/, ''))) {
        console.off('data', onData);
        resolve();
      }
    };
    console.on('data', onData);
  });
}
