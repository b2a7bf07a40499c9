// A `[text](lens:NAME)` link of step markdown: a button that opens that lens beside the
// terminals (a link would suggest leaving the page).
import type { ReactNode } from 'react';
import { useRunner } from '../player/runner-context.js';
import { LensIcon } from '../app/icons.js';
import { LENS_TITLES, type LensName } from './lenses.js';

export function LensLink({ lens, children }: { lens: LensName; children: ReactNode }) {
  const runner = useRunner();
  const blocked = runner.lensBlocked();
  return (
    <button type="button" className="lens-link" data-lens-link={lens} disabled={blocked !== undefined}
      title={blocked ?? `Open the ${LENS_TITLES[lens].toLowerCase()} lens beside the terminals`} onClick={() => runner.openLens(lens)}>
      <LensIcon />{children}
    </button>
  );
}

