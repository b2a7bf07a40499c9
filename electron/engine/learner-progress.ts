// What a learner has done in each lab, kept in the user's data folder so it survives a restart:
// the step they are on, the steps they passed (a check passed, a question answered right), how
// many hints they opened. "Start over" clears it. One small JSON file per lab, replaced
// atomically (a crash never leaves half a file).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabProgress } from '../shared/api.js';
import { dataDir } from './paths.js';

export type { LabProgress };

const progressDir = () => join(dataDir(), 'progress');
const fileFor = (lab: string) => join(progressDir(), `${lab}.json`);

export const emptyProgress = (lab: string): LabProgress => ({ lab, passed: [], hintsShown: {}, solutionsShown: [] });

/** The saved progress, or an empty one (also when the file is damaged: progress is a convenience, not data). */
export async function readProgress(lab: string): Promise<LabProgress> {
  try {
    const saved = JSON.parse(await readFile(fileFor(lab), 'utf8')) as Partial<LabProgress>;
    return {
      ...emptyProgress(lab),
      ...(typeof saved.currentStep === 'string' ? { currentStep: saved.currentStep } : {}),
      passed: Array.isArray(saved.passed) ? saved.passed.filter((s) => typeof s === 'string') : [],
      hintsShown: saved.hintsShown && typeof saved.hintsShown === 'object' ? Object.fromEntries(
        Object.entries(saved.hintsShown).filter(([, n]) => Number.isInteger(n) && n >= 0)) : {},
      solutionsShown: Array.isArray(saved.solutionsShown) ? saved.solutionsShown.filter((s) => typeof s === 'string') : [],
      ...(typeof saved.updatedAt === 'string' ? { updatedAt: saved.updatedAt } : {}),
    };
  } catch {
    return emptyProgress(lab);
  }
}

/** After a Reset: the marks of steps passed by a check of the machines (`checked`) go, the rest stays. */
export function forgetChecked(progress: LabProgress, checked: readonly string[]): LabProgress {
  return { ...progress, passed: progress.passed.filter((s) => !checked.includes(s)) };
}

export async function writeProgress(progress: LabProgress): Promise<LabProgress> {
  const saved = { ...progress, updatedAt: new Date().toISOString() };
  await mkdir(progressDir(), { recursive: true });
  const tmp = `${fileFor(progress.lab)}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(saved, null, 2)}\n`);
  await rename(tmp, fileFor(progress.lab));
  return saved;
}

export async function clearProgress(lab: string): Promise<void> {
  await rm(fileFor(lab), { force: true });
}
