// `labvisor bundle create FILE [--labs ID…] [--platform P,…] [--json]`, `bundle load FILE [--json]`,
// `bundle inspect FILE [--json]`: the offline workshop bundle (docs/bundles.md).
import { parseArgs } from 'node:util';
import { BundleError } from '../../engine/images/bundle-error.js';
import { createBundle } from '../../engine/images/bundle-create.js';
import { loadBundle } from '../../engine/images/bundle-load.js';
import { megabytes, type BundleManifest } from '../../engine/images/bundle-manifest.js';
import type { BundleProgress } from '../../shared/api.js';
import { readManifest } from '../../engine/images/bundle-read.js';
import { connectEngine } from '../../engine/machines/docker-engine.js';
import { didYouMean, out, printJson, say, UsageError } from '../output.js';
import { progressView } from '../progress-view.js';
import { onStopSignal } from '../stop-signals.js';

const USAGE = 'usage: labvisor bundle create FILE [--labs ID…] [--platform linux/amd64,…] [--json]\n' +
  '       labvisor bundle load FILE [--json]\n       labvisor bundle inspect FILE [--json]';

const WORDS: Record<string, string> = { save: 'saving images', verify: 'verifying', load: 'loading images', labs: 'unpacking labs' };

/** Byte progress as a task line of the usual progress view: done of total, rate, ETA. */
function byteProgress(): ((p: Omit<BundleProgress, 'phase'> & { phase: string }) => void) & { stop(): void } {
  const view = progressView();
  const began = new Map<string, number>();
  return Object.assign((p: Omit<BundleProgress, 'phase'> & { phase: string }) => {
    if (!began.has(p.phase)) began.set(p.phase, Date.now());
    const eta = p.etaS === undefined ? '' : `, ETA ${p.etaS} s`;
    const done = p.doneBytes >= p.totalBytes && p.phase !== 'save';
    view({
      task: `bundle ${WORDS[p.phase] ?? p.phase}`, phase: `${megabytes(p.doneBytes)} of ${megabytes(p.totalBytes)}, ${megabytes(p.rateBps)}/s${eta}`,
      current: Math.min(p.doneBytes, p.totalBytes), total: p.totalBytes, elapsedMs: Date.now() - began.get(p.phase)!, ...(done ? { state: 'done' as const } : {}),
    });
  }, { stop: view.stop });
}

/** Ctrl-C stops the work through its signal, so it can undo what it began (temp file, loaded tags). */
async function whileInterruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const removeHandlers = onStopSignal((signal) => {
    say(`\n${signal}: stopping and undoing what was begun…`);
    abort.abort(new BundleError(`stopped by ${signal}; nothing was left half-made`));
  });
  try {
    return await work(abort.signal);
  } catch (err) {
    throw abort.signal.aborted ? abort.signal.reason : err;
  } finally {
    removeHandlers();
  }
}

function printManifest(m: BundleManifest, bytes?: number): void {
  out(`Labvisor ${m.labvisor} bundle (format ${m.format}), made ${m.created}, for ${m.platforms.join(', ')}${bytes === undefined ? '' : `, ${megabytes(bytes)}`}`);
  out(`labs (${m.labs.length}):`);
  for (const l of m.labs) out(`  ${l.id.padEnd(22)} ${l.title}`);
  out(`images (${m.images.length}):`);
  for (const i of m.images) out(`  ${i.ref.padEnd(48)} ${i.role.padEnd(11)} ${megabytes(i.size).padStart(9)}  ${i.id.slice(7, 19)}`);
  out('payloads:');
  for (const p of m.payloads) out(`  ${p.name.padEnd(32)} ${megabytes(p.bytes).padStart(9)}  sha256 ${p.sha256}`);
}

async function create(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { labs: { type: 'string', multiple: true }, platform: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  const [file, ...more] = positionals;
  if (!file) throw new UsageError(USAGE);
  // `--labs a b c`: the words after the first id are more ids.
  if (more.length && !values.labs) throw new UsageError(`unexpected ${more.join(' ')}\n${USAGE}`);
  const labs = [...(values.labs ?? []), ...more].flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const platforms = (values.platform ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const { docker, info } = await connectEngine();
  say(`Making a bundle of ${labs.length ? labs.join(', ') : 'every bundled lab'} from ${info.target} (each lab starts once to make what it needs)`);
  const [progress, onSave] = [progressView(), byteProgress()];
  const result = await whileInterruptible((signal) => createBundle(docker, info, file, { labs, platforms, progress, onSave, signal }))
    .finally(() => { progress.stop(); onSave.stop(); });
  if (values.json) printJson(result);
  else out(`Wrote ${result.file}: ${megabytes(result.bytes)}, ${result.manifest.labs.length} lab(s), ${result.manifest.images.length} image(s) in ${(result.ms / 1000).toFixed(1)} s`);
  return 0;
}

async function load(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const { docker, info } = await connectEngine();
  const onProgress = byteProgress();
  const result = await whileInterruptible((signal) => loadBundle(docker, info, positionals[0]!, { onProgress, signal })).finally(onProgress.stop);
  if (values.json) printJson(result);
  else {
    out(`Loaded ${result.images.length} image(s) and ${result.labs.length} lab(s) (${megabytes(result.bytes)}) in ${(result.ms / 1000).toFixed(1)} s: ${result.labs.join(', ')}`);
    for (const dir of result.openedFolders) out(`  not one of the app's own labs, unpacked to ${dir} (open it as a lab folder; it needs trust like any)`);
  }
  return 0;
}

async function inspect(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const manifest = await readManifest(positionals[0]!);
  if (values.json) printJson(manifest);
  else printManifest(manifest, manifest.payloads.reduce((n, p) => n + p.bytes, 0));
  return 0;
}

const SUB: Record<string, (args: string[]) => Promise<number>> = { create, load, inspect };

export async function bundle(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const run = sub ? SUB[sub] : undefined;
  if (!run) throw new UsageError(sub ? `unknown bundle command "${sub}"${didYouMean(sub, Object.keys(SUB))}\n${USAGE}` : USAGE);
  try {
    return await run(rest);
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    say(`labvisor: ${err.message}`);
    return 1;
  }
}
