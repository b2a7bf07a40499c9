// container-ready and exec-terminal: a container machine through LabSession (the engine's own
// path: network, hardened container, start, Running, then a terminal's prompt) against the
// docker CLI doing the same with the same image.
import { randomBytes } from 'node:crypto';
import pty from 'node-pty';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { containerName } from '../../electron/engine/sessions/names.js';
import { defer } from '../cleanup.js';
import { benchLab, type BenchContext } from '../context.js';
import { BENCH_LABEL, docker } from '../support/docker-cli.js';
import { interleave, since } from '../measure.js';
import { ptyPrompt, terminalPrompt } from '../support/prompt.js';
import { ratioMetric, type Metric } from '../report.js';
import { summarize } from '../stats.js';

export async function containerReady(ctx: BenchContext): Promise<Metric> {
  ctx.progress('container-ready: LabSession start + terminal prompt vs docker run -d + docker exec true');
  const lab = await benchLab('bench-container');
  const r = await interleave(ctx.fast, {
    ours: async () => {
      const session = new LabSession(ctx.docker, ctx.engine, lab);
      const stop = defer(`session ${session.id}`, () => session.stop());
      const t0 = performance.now();
      await session.start({ trust: true });
      await terminalPrompt(await session.openTerminal('box', 80, 24));
      const ms = since(t0);
      await stop();
      return ms;
    },
    raw: async () => {
      const name = `lvbench-${randomBytes(4).toString('hex')}`;
      const remove = defer(`container ${name}`, () => docker(['rm', '-f', name]));
      const t0 = performance.now();
      await docker(['run', '-d', '--name', name, '--label', BENCH_LABEL, 'labvisor/base', 'sleep', '86400']);
      await docker(['exec', name, 'true']);
      const ms = since(t0);
      await remove();
      return ms;
    },
  }, ctx.progress);
  return ratioMetric({
    id: 'container-ready', title: 'Container machine ready (terminal prompt seen)', unit: 'ms',
    ours: summarize(r.ours), base: summarize(r.raw), target: 1.1,
    note: 'ours: LabSession.start() of a one-container lab (session network, hardened container, start, Running) until a terminal shows its prompt; ' +
      'baseline: `docker run -d labvisor/base sleep` + `docker exec true` with the docker CLI. Same image; removal not timed.',
  });
}

export async function execTerminal(ctx: BenchContext): Promise<Metric> {
  ctx.progress('exec-terminal: another terminal in a running container vs docker exec -it');
  const session = new LabSession(ctx.docker, ctx.engine, await benchLab('bench-container'));
  const stop = defer(`session ${session.id}`, () => session.stop());
  try {
    await session.start({ trust: true });
    const container = containerName(session.id, 'box');
    const r = await interleave(ctx.fast, {
      ours: async () => {
        const t0 = performance.now();
        const terminal = await session.openTerminal('box', 80, 24);
        await terminalPrompt(terminal);
        const ms = since(t0);
        await session.terminals.close(terminal.id);
        return ms;
      },
      raw: async () => {
        const t0 = performance.now();
        const shell = pty.spawn('docker', ['exec', '-it', '-e', 'TERM=xterm-256color', container, '/bin/sh', '-l'], { cols: 80, rows: 24, name: 'xterm-256color' });
        const kill = defer(`docker exec ${shell.pid}`, () => shell.kill('SIGKILL'));
        await ptyPrompt(shell);
        const ms = since(t0);
        const exited = new Promise<void>((resolve) => shell.onExit(() => resolve()));
        shell.write('exit\r');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
        await kill();
        return ms;
      },
    }, ctx.progress);
    return ratioMetric({
      id: 'exec-terminal', title: 'Another terminal in a running container', unit: 'ms',
      ours: summarize(r.ours), base: summarize(r.raw), target: 1.15,
      note: 'ours: LabSession.openTerminal() (exec with a TTY, hijacked stream, resize) until the prompt; ' +
        'baseline: `docker exec -it CONTAINER /bin/sh -l` in a node-pty until the prompt. Same container.',
    });
  } finally {
    await stop();
  }
}
