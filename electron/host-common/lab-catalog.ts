// The labs a host offers: the bundled ones (trusted by being bundled) and the lab folders the
// learner opened, which run only once trusted when they ask for more than the safe default.
// Steps, hints and progress are read through it, by lab id: never by a path a UI sends.
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import { ApiError, type LabSummary, type Params, type Result, type TrustState } from '../shared/api.js';
import { inPathOrder } from '../shared/learning-path.js';
import { clearProgress as forgetProgress, readProgress, writeProgress } from '../engine/learner-progress.js';
import { findLabDirs, loadLab, type LoadedLab } from '../engine/labs/load.js';
import { isTrusted, labContentHash, openedFolders, rememberTrust, setOpened } from '../engine/trusted-labs.js';
import { TrustRequiredError } from '../engine/errors.js';
import { labSummary, readStepMarkdown, stepSolution } from './step-content.js';

/** An opened lab folder, as loaded now: what the learner decides on is this content. */
interface OpenedLab { loaded: LoadedLab; hash: string; trust: TrustState; /** The learner trusted exactly this content. */ remembered: boolean }

export class LabCatalog {
  private prefetched?: Promise<Result<'listLabs'>>;
  /** Opened lab folders by lab id; read from the data folder on first use. */
  private folders?: Promise<Map<string, string>>;

  constructor(private readonly labsDir: string, private readonly log: (line: string) => void) {}

  /** The catalog: a prefetched answer once (see prefetch), else read now. */
  list(): Promise<Result<'listLabs'>> {
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    return prefetched ?? this.read();
  }

  /** Reads the catalog ahead for the next list(); settles when it is read, whatever the outcome. */
  prefetch(): Promise<void> {
    this.prefetched = this.read();
    return this.prefetched.then(() => {}, () => {});
  }

  private async read(): Promise<Result<'listLabs'>> {
    const bundled = await Promise.all((await findLabDirs(this.labsDir)).map(async (dir): Promise<LabSummary | undefined> => {
      try {
        return labSummary((await loadLab(dir)).lab, { source: 'bundled' });
      } catch (err) {
        this.log(`bundled lab ${path.basename(dir)} does not load:\n${(err as Error).message}`);
        return undefined;
      }
    }));
    const opened = await Promise.all([...(await this.openedFolders())].map(async ([id, dir]): Promise<LabSummary | undefined> => {
      try {
        const { loaded, trust } = await this.reviewFolder(dir);
        return labSummary(loaded.lab, { source: 'folder', folder: dir, trust });
      } catch (err) {
        this.log(`opened lab ${id} (${dir}) does not load now:\n${(err as Error).message}`);
        return undefined;
      }
    }));
    return { labs: [...inPathOrder(bundled.filter((l) => l !== undefined)), ...opened.filter((l) => l !== undefined)] };
  }

  async openFolder({ path: given }: Params<'openLabFolder'>): Promise<Result<'openLabFolder'>> {
    if (!path.isAbsolute(given)) throw new ApiError('bad-request', `"${given}" is not an absolute path to a lab folder`);
    const dir = await realpath(given).catch(() => { throw new ApiError('not-found', `no folder at ${given}`); });
    let review: OpenedLab;
    try {
      review = await this.reviewFolder(dir);
    } catch (err) {
      throw new ApiError('bad-request', `${dir} is not a lab that loads:\n${(err as Error).message}`);
    }
    const { id } = review.loaded.lab;
    const bundled = (await findLabDirs(this.labsDir)).find((d) => path.basename(d) === id);
    if (bundled && bundled !== dir) throw new ApiError('conflict', `a bundled lab is called "${id}"; rename the lab (its folder and id) to open it`);
    const folders = await this.openedFolders();
    const other = folders.get(id);
    if (other && other !== dir) throw new ApiError('conflict', `a lab called "${id}" is already open from ${other}; remove it from the catalog first`);
    if (!bundled) {
      folders.set(id, dir);
      await setOpened(dir, true);
    }
    this.log(`opened lab folder ${dir} (${review.trust.reasons.length} trust reason(s))`);
    // A bundled lab's own folder is trusted by being bundled, as everywhere else.
    const trust = bundled ? { ...review.trust, trusted: true } : review.trust;
    return { lab: labSummary(review.loaded.lab, bundled ? { source: 'bundled' } : { source: 'folder', folder: dir, trust }), trust };
  }

  async trust({ lab, hash }: Params<'trustLab'>): Promise<Result<'trustLab'>> {
    const dir = await this.openedDir(lab);
    const review = await this.reviewFolder(dir);
    if (review.hash !== hash) throw new ApiError('conflict', `lab "${lab}" changed in ${dir} since you reviewed it: review it again`);
    await rememberTrust(dir, hash);
    this.log(`trusted lab ${lab} (${dir}) at ${hash.slice(0, 12)}`);
    return { ...review.trust, trusted: true };
  }

  async closeFolder({ lab }: Params<'closeLabFolder'>): Promise<Result<'closeLabFolder'>> {
    const dir = await this.openedDir(lab);
    (await this.openedFolders()).delete(lab);
    await setOpened(dir, false);
    return {};
  }

  async step({ lab, step }: Params<'getStep'>): Promise<Result<'getStep'>> {
    const loaded = await this.lab(lab);
    const s = loaded.lab.steps.find((x) => x.id === step);
    if (!s) throw new ApiError('not-found', `lab "${lab}" has no step "${step}"`);
    return {
      lab, step, title: s.title, markdown: await readStepMarkdown(loaded.dir, s.markdown),
      hints: s.hints ?? [], solution: stepSolution(s),
      hasCheck: s.check !== undefined, ...(s.poll !== undefined ? { poll: s.poll } : {}),
      ...(s.question ? { question: { prompt: s.question.prompt, ...(s.question.choices ? { choices: s.question.choices } : {}) } } : {}),
    };
  }

  async progress({ lab }: Params<'getProgress'>): Promise<Result<'getProgress'>> {
    await this.labDir(lab); // the catalog asks for every lab at once: no need to load each again
    return readProgress(lab);
  }

  async saveProgress(progress: Params<'saveProgress'>): Promise<Result<'saveProgress'>> {
    const { lab } = await this.lab(progress.lab);
    const steps = new Set(lab.steps.map((s) => s.id));
    const named = [progress.currentStep, ...progress.passed, ...Object.keys(progress.hintsShown), ...progress.solutionsShown];
    const unknown = named.filter((s): s is string => s !== undefined && !steps.has(s));
    if (unknown.length) throw new ApiError('bad-request', `lab "${lab.id}" has no step ${[...new Set(unknown)].map((s) => `"${s}"`).join(', ')}`);
    return writeProgress(progress);
  }

  async clearProgress({ lab }: Params<'clearProgress'>): Promise<Result<'clearProgress'>> {
    await this.labDir(lab);
    await forgetProgress(lab);
    return {};
  }

  /**
   * The lab, and whether the learner trusted it: bundled labs are (as by `labvisor run`); an
   * opened one only as the learner decided for this content. One that needs trust and lacks it
   * is refused here, before the engine is asked for anything; the session still checks what only
   * the start can know (a fixed port another program holds).
   */
  async forStart(id: string): Promise<{ loaded: LoadedLab; trusted: boolean }> {
    const opened = (await this.openedFolders()).get(id);
    if (!opened) return { loaded: await this.lab(id), trusted: true };
    const { loaded, remembered } = await this.reviewFolder(opened);
    if (!remembered && loaded.trustReasons.length) throw new TrustRequiredError(id, loaded.trustReasons);
    return { loaded, trusted: remembered };
  }

  /** A lab of the catalog by id; never a path. */
  private async lab(id: string): Promise<LoadedLab> {
    return loadLab(await this.labDir(id));
  }

  /** A folder loaded and judged now: its content hash first, so a change after it is a new decision. */
  private async reviewFolder(dir: string): Promise<OpenedLab> {
    const hash = await labContentHash(dir);
    const loaded = await loadLab(dir);
    const reasons = loaded.trustReasons.map((d) => ({ message: d.message, where: `${path.relative(dir, d.file)}:${d.line}:${d.col}` }));
    const remembered = await isTrusted(dir, hash);
    return { loaded, hash, remembered, trust: { reasons, trusted: reasons.length === 0 || remembered, hash } };
  }

  private openedFolders(): Promise<Map<string, string>> {
    // A lab's id is its folder's name (the lab format's rule), so no folder is read to list them.
    this.folders ??= openedFolders().then((dirs) => new Map(dirs.map((dir) => [path.basename(dir), dir])));
    return this.folders;
  }

  private async openedDir(id: string): Promise<string> {
    const dir = (await this.openedFolders()).get(id);
    if (!dir) throw new ApiError('not-found', `no opened lab "${id}"`);
    return dir;
  }

  /** The folder of a lab of the catalog; not-found names the ones there are. */
  private async labDir(id: string): Promise<string> {
    const [dirs, opened] = await Promise.all([findLabDirs(this.labsDir), this.openedFolders()]);
    const dir = dirs.find((d) => path.basename(d) === id) ?? opened.get(id);
    if (!dir) throw new ApiError('not-found', `no lab "${id}"; there are: ${[...dirs.map((d) => path.basename(d)), ...opened.keys()].join(', ')}`);
    return dir;
  }
}
