// Asking the learner whether to trust an opened lab, from anywhere: the catalog after opening a
// folder, and any startLab the engine refuses with 'trust-required' (the lab changed on disk, or
// was refused before). One question at a time; the app shows it as the trust dialog.
import { ApiError, type LabSummary, type Method, type Params, type Result, type TrustState } from '../../../electron/shared/api.js';
import { Listeners, type LabClient } from '../api/lab-client.js';

/** What the trust dialog shows, and how it answers. */
export interface TrustQuestion { id: number; lab: string; folder: string; trust: TrustState; answer(trusted: boolean): void }

/** An opened lab that asks for more than the safe default and was not trusted as it is now. */
export const needsTrust = (lab: LabSummary): boolean => lab.source === 'folder' && lab.trust?.trusted === false;

export class TrustGate {
  private question?: TrustQuestion;
  private asked = 0;
  private readonly changes = new Listeners<TrustQuestion | undefined>();

  get current(): TrustQuestion | undefined { return this.question; }

  onChange(listener: (question: TrustQuestion | undefined) => void): () => void { return this.changes.add(listener); }

  /** Resolves true once the learner trusted the lab (the dialog called trustLab), false when they did not. */
  ask(lab: string, folder: string, trust: TrustState): Promise<boolean> {
    // A second question replaces the first, which counts as refused: never a silent yes.
    this.question?.answer(false);
    return new Promise((resolve) => {
      const question: TrustQuestion = {
        id: ++this.asked, lab, folder, trust,
        answer: (trusted) => {
          if (this.question !== question) return;
          this.question = undefined;
          this.changes.emit(undefined);
          resolve(trusted);
        },
      };
      this.question = question;
      this.changes.emit(question);
    });
  }
}

/**
 * The page's client with the trust question in the way of startLab: when the engine answers
 * 'trust-required', the learner reviews the lab as it is on disk now; trusted, the start is tried
 * again, else it is not started. Nothing else changes, so the player needs no part in it.
 */
export class TrustingClient implements LabClient {
  constructor(private readonly inner: LabClient, private readonly gate: TrustGate) {}

  get state() { return this.inner.state; }
  get kind() { return this.inner.kind; }
  get serverRestarts() { return this.inner.serverRestarts; }
  onEvent: LabClient['onEvent'] = (listener) => this.inner.onEvent(listener);
  onState: LabClient['onState'] = (listener) => this.inner.onState(listener);
  attach: LabClient['attach'] = (terminal, sink) => this.inner.attach(terminal, sink);
  openExternal: LabClient['openExternal'] = (url) => this.inner.openExternal(url);
  get pickLabFolder() { return this.inner.pickLabFolder?.bind(this.inner); }
  get pickBundleFile() { return this.inner.pickBundleFile?.bind(this.inner); }
  get pathForFile() { return this.inner.pathForFile?.bind(this.inner); }

  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    try {
      return await this.inner.call(method, params);
    } catch (err) {
      if (method !== 'startLab' || !(err instanceof ApiError) || err.code !== 'trust-required') throw err;
      const { lab } = params as Params<'startLab'>;
      const folder = (await this.inner.call('listLabs', {})).labs.find((l) => l.id === lab)?.folder;
      if (!folder) throw err;
      // Reviewed as the folder holds it now (openLabFolder lints and judges it again).
      const { trust } = await this.inner.call('openLabFolder', { path: folder });
      if (!trust.trusted && !(await this.gate.ask(lab, folder, trust))) {
        throw new ApiError('trust-required', `Not started: you did not trust this lab. Start it again to review what it asks for (${folder}).`);
      }
      return this.inner.call(method, params);
    }
  }
}
