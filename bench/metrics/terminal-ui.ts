// terminal-throughput, flood-interrupt and echo-latency, all as a learner sees them: xterm.js in
// Chromium. Ours is the real player (`labvisor serve`, the first-steps lab, the worker
// container's terminal); the baseline is xterm.js in a plain page, with the same size and font,
// written to directly (throughput) or wired to a node-pty shell on this host (the others).
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import pty from 'node-pty';
import { LABEL } from '../../electron/engine/labels.js';
import { packageRoot } from '../../electron/engine/paths.js';
import type { BenchContext } from '../context.js';
import { interleave } from '../measure.js';
import { ratioMetric, type Metric } from '../report.js';
import { percentile, round, summarize } from '../stats.js';
import { serveLabvisor, spawnServer, waitRow, watchRows } from '../support/browser.js';
import { docker } from '../support/docker-cli.js';
import { defer } from '../cleanup.js';

const OURS = '.terminal-view[data-machine="worker"]';
const LOCAL = '#term';
const PROMPT_ROW = 'lvb>';
/** 79 characters and a newline: 625 000 lines make the 50 MB (50 625 000 bytes once the tty adds \r). */
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWX';
const LINES = 625_000;
const TERMINAL_MB = (LINES * (LINE.length + 2)) / 1e6;
/** What the container prints: LINES lines of LINE (the tty makes each newline \r\n). */
const FLOOD_COMMAND = `yes '${LINE}' | head -c ${LINES * (LINE.length + 1)}`;
const FLOOD_MS = 1000;
const BUDGET_MS = 100;
/** One frame of a 60 Hz display. */
const FRAME_MS = 1000 / 60;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function typeLine(page: Page, scope: string, text: string): Promise<void> {
  await page.focus(`${scope} .xterm-helper-textarea`);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Opens the first-steps lab in the player and sets a prompt we can recognise in the worker's terminal. */
async function openPlayer(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: /^(Open lab|Continue): First steps/ }).click();
  await page.getByRole('button', { name: 'Start lab' }).click();
  await page.getByRole('tab', { name: /^worker/ }).click({ timeout: 180_000 });
  await page.locator(`${OURS} .xterm-rows`).waitFor(); // the terminal is drawn once its shell answers
  await waitRow(page, OURS, { regex: '[#$] ?$' });
  await typeLine(page, OURS, `PS1='lvb> '`);
  await waitRow(page, OURS, { line: PROMPT_ROW });
}

/** Milliseconds from the keydown of Enter until the marker row shows. */
async function oursThroughput(page: Page, run: number): Promise<number> {
  const marker = `LVB-${1000 + run}`;
  await page.focus(`${OURS} .xterm-helper-textarea`);
  await page.keyboard.type(`${FLOOD_COMMAND}; echo LVB-$((1000+${run}))`);
  const watch = await watchRows(page, OURS, { line: marker }, 300_000);
  await page.keyboard.press('Enter');
  const r = await watch.settled();
  return r.at - r.key;
}

/** The same bytes written to a local xterm.js in 32 KiB pieces (the server's frame size), then the marker. */
async function localThroughput(page: Page, run: number): Promise<number> {
  const marker = `LVB-${1000 + run}`;
  const watch = await watchRows(page, LOCAL, { line: marker }, 300_000);
  const t0 = await page.evaluate(async ({ line, lines, marker }) => {
    const w = window as unknown as { lvTerm: { write(d: Uint8Array | string, done?: () => void): void }; lvChunks?: Uint8Array[] };
    if (!w.lvChunks) {
      const one = new TextEncoder().encode(`${line}\r\n`);
      const all = new Uint8Array(one.length * lines);
      for (let i = 0; i < lines; i++) all.set(one, i * one.length);
      w.lvChunks = [];
      for (let at = 0; at < all.length; at += 32 * 1024) w.lvChunks.push(all.subarray(at, at + 32 * 1024));
    }
    // xterm.js drops writes beyond 50 MB queued: keep at most 1 MiB queued, as its docs advise.
    const t = performance.now();
    let queued = 0;
    let wake: (() => void) | undefined;
    for (const c of w.lvChunks) {
      queued += c.length;
      w.lvTerm.write(c, () => { queued -= c.length; if (queued < 128 * 1024) wake?.(); });
      if (queued > 1024 * 1024) await new Promise<void>((r) => { wake = r; });
    }
    w.lvTerm.write(`${marker}\r\n`);
    return t;
  }, { line: LINE, lines: LINES, marker });
  return (await watch.settled()).at - t0;
}

/**
 * The engine's own ceiling: the same command through `docker exec -t` in a pty, read and thrown
 * away as fast as Node can. Every byte of ours crosses this path first, so ours cannot beat it.
 */
async function engineTtyThroughput(container: string): Promise<number> {
  const t0 = performance.now();
  const exec = pty.spawn('docker', ['exec', '-t', container, 'sh', '-c', FLOOD_COMMAND], { cols: 120, rows: 30 });
  const kill = defer(`docker exec ${exec.pid}`, () => exec.kill('SIGKILL'));
  let bytes = 0;
  exec.onData((d) => { bytes += d.length; });
  await new Promise<void>((resolve) => exec.onExit(() => resolve()));
  const ms = performance.now() - t0;
  await kill();
  if (bytes < LINES * LINE.length) throw new Error(`docker exec -t gave ${bytes} characters, expected ${TERMINAL_MB} MB`);
  return ms;
}

/** `yes`, then Ctrl-C after FLOOD_MS: milliseconds from the Ctrl-C keydown to a bare prompt row. */
async function floodInterrupt(page: Page, scope: string): Promise<number> {
  await typeLine(page, scope, 'yes');
  await sleep(FLOOD_MS);
  const watch = await watchRows(page, scope, { line: PROMPT_ROW }, 30_000);
  await page.keyboard.press('Control+C');
  const r = await watch.settled();
  if (r.at < r.key) throw new Error('flood-interrupt: the prompt row was there before Ctrl-C (the flood did not fill the screen)');
  await sleep(200);
  return r.at - r.key;
}

/** A comment line typed key by key: for each key, keydown → its echo on screen. */
async function echoBatch(page: Page, scope: string): Promise<number[]> {
  const letters = Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  await page.focus(`${scope} .xterm-helper-textarea`);
  await page.keyboard.type('#');
  await waitRow(page, scope, { line: `${PROMPT_ROW} #` });
  const out: number[] = [];
  for (let i = 0; i < letters.length; i++) {
    const watch = await watchRows(page, scope, { line: `${PROMPT_ROW} #${letters.slice(0, i + 1)}` }, 10_000);
    // A person's keys fall anywhere in the display's frame; without this wait each key would
    // follow the previous echo's frame by the same devtools round trip, and an echo would
    // always just make (or just miss) the next frame: a fixed phase, not a latency.
    await sleep(Math.random() * FRAME_MS);
    await page.keyboard.press(letters[i]!);
    const r = await watch.settled();
    out.push(r.at - r.key);
  }
  await page.keyboard.press('Enter');
  await sleep(100);
  return out;
}

export async function terminalUiMetrics(ctx: BenchContext, browser: Browser): Promise<Metric[]> {
  ctx.progress('terminal-throughput, flood-interrupt, echo-latency: the player\'s container terminal vs xterm.js with a local pty');
  const served = await serveLabvisor();
  const ours = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openPlayer(ours, served.url);
  // The baseline page copies the size and font of our terminal.
  await typeLine(ours, OURS, 'stty size');
  const [rows, cols] = (await waitRow(ours, OURS, { regex: '^\\d+ \\d+$' })).split(' ').map(Number);
  const font = await ours.evaluate((sel) => {
    const style = getComputedStyle(document.querySelector(`${sel} .xterm-rows`)!);
    return { size: parseFloat(style.fontSize), family: style.fontFamily };
  }, OURS);
  const local = await spawnServer([join(packageRoot(), 'dist', 'bench', 'support', 'local-term-server.js')], 'local terminal server');
  // This server's worker: other runs may have first-steps open on the same engine.
  const workers = await docker(['ps', '--filter', `label=${LABEL.lab}=first-steps`, '--filter', 'name=-worker$', '--format', `{{.ID}} {{.Label "${LABEL.owner}"}}`]);
  const mine = workers.split('\n').filter((l) => l.includes(`/${served.child.pid}/`)).map((l) => l.split(' ')[0]!);
  if (mine.length !== 1) throw new Error(`terminal metrics: expected one first-steps worker container of this server, found ${JSON.stringify(workers)}`);
  const worker = mine[0]!;
  const pageFor = async (query: string) => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${local.url}?cols=${cols}&rows=${rows}&size=${font.size}&font=${encodeURIComponent(font.family)}${query}`);
    await page.waitForFunction(() => 'lvTerm' in window);
    return page;
  };
  const writer = await pageFor('');
  const shell = await pageFor('&pty=1');
  const dockerExec = await pageFor(`&pty=1&exec=${worker}`);
  await waitRow(shell, LOCAL, { line: PROMPT_ROW });
  await waitRow(dockerExec, LOCAL, { line: PROMPT_ROW });

  try {
    ctx.progress(`  throughput: ${TERMINAL_MB} MB, terminal ${cols}x${rows}`);
    const tp = await interleave(ctx.quick ? { warmups: 1, runs: 2 } : ctx.slow, {
      ours: (i) => oursThroughput(ours, i),
      local: (i) => localThroughput(writer, i),
      engine: () => engineTtyThroughput(worker),
    }, ctx.progress);
    ctx.progress('  flood-interrupt');
    const floodPlan = ctx.quick ? { warmups: 1, runs: 5 } : { warmups: 2, runs: 20 };
    const fl = await interleave(floodPlan, { ours: () => floodInterrupt(ours, OURS), local: () => floodInterrupt(shell, LOCAL) }, ctx.progress);
    ctx.progress('  echo-latency');
    // Each run types 8 keys, so quick mode needs fewer runs than ctx.fast for as many samples.
    const echo = await interleave(ctx.quick ? { warmups: 1, runs: 4 } : ctx.fast, {
      ours: () => echoBatch(ours, OURS), local: () => echoBatch(shell, LOCAL), dockerExec: () => echoBatch(dockerExec, LOCAL),
    }, ctx.progress);
    const rawExec = summarize(echo.dockerExec.flat());

    // Throughput in MB/s: p50 from the median time, "p95" from the 95th-percentile (slow) time.
    const mbps = (ms: number[]) => ({ p50: TERMINAL_MB / (percentile(ms, 50) / 1000), p95: TERMINAL_MB / (percentile(ms, 95) / 1000), n: ms.length });
    const floodP95 = percentile(fl.ours, 95);
    const engineTty = mbps(tp.engine);
    const oursTp = mbps(tp.ours);
    return [
      ratioMetric({
        id: 'terminal-throughput', title: `${TERMINAL_MB} MB from a container into xterm.js in Chromium`, unit: 'MB/s',
        ours: oursTp, base: mbps(tp.local), target: 0.8, atLeast: true,
        note: `ours: \`yes LINE | head -c 50000000\` in the worker container's terminal of the player, keydown of Enter → marker row drawn; ` +
          `baseline: the same ${TERMINAL_MB} MB written in 32 KiB pieces to xterm.js in a plain page (same size ${cols}x${rows}, font, DOM renderer). p95 is the slow tail. ` +
          `The engine's ceiling, the same command through \`docker exec -t\` into a pty read by Node: p50 ${round(engineTty.p50)} MB/s (ours reaches ${round(oursTp.p50 / engineTty.p50)} of it).`,
        extra: { engineTtyP50: round(engineTty.p50), engineTtyP95: round(engineTty.p95), oursOfEngine: round(oursTp.p50 / engineTty.p50) },
      }),
      {
        id: 'flood-interrupt', title: '`yes`, then Ctrl-C: prompt back', unit: 'ms',
        p50: round(percentile(fl.ours, 50)), p95: round(floodP95), n: fl.ours.length,
        baseline: BUDGET_MS, ratio: round(floodP95 / BUDGET_MS), target: 1, ok: floodP95 <= BUDGET_MS,
        note: `An absolute budget: ${BUDGET_MS} ms at p95 (ratio = p95 / ${BUDGET_MS}). Ctrl-C keydown after ${FLOOD_MS} ms of \`yes\` → a bare prompt row drawn. ` +
          `For comparison, xterm.js on a local node-pty with the same flow control: p50 ${round(percentile(fl.local, 50))} ms, p95 ${round(percentile(fl.local, 95))} ms.`,
        extra: { localPtyP50: round(percentile(fl.local, 50)), localPtyP95: round(percentile(fl.local, 95)) },
      },
      ratioMetric({
        id: 'echo-latency', title: 'Keystroke echo in a container terminal', unit: 'ms',
        ours: summarize(echo.ours.flat()), base: summarize(echo.local.flat()), target: 1.1,
        note: 'keydown → the echoed character drawn by xterm.js. Ours: the player\'s container terminal (WebSocket, serve, docker exec, busybox sh); ' +
          'baseline: xterm.js in a plain page on a node-pty busybox sh on this host through a bare WebSocket. ' +
          `The same plain page on \`docker exec -it\` into the same container (the raw tool's own hop): p50 ${round(rawExec.p50)} ms, p95 ${round(rawExec.p95)} ms.`,
        extra: { dockerExecP50: round(rawExec.p50), dockerExecP95: round(rawExec.p95) },
      }),
    ];
  } finally {
    await Promise.all([ours.close(), writer.close(), shell.close(), dockerExec.close()]);
    await local.stop();
    await served.stop();
  }
}
