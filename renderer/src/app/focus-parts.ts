// F6 and Shift+F6 move the keyboard focus from one part of the player to the next, as in VS Code
// (where F6 also leaves the terminal): the lab bar, the steps, the step, the terminals, the lenses.
// Each part says where in it the focus lands.
const PARTS: { part: string; target: string[] }[] = [
  { part: '.lab-bar', target: ['button:not(:disabled)'] },
  { part: '.step-list', target: ['[aria-current="step"]', 'button'] },
  { part: '.step-content', target: [] },
  { part: '.machines-pane', target: ['.terminal-pane.active .xterm-helper-textarea', '[data-start]:not(:disabled)', 'button:not(:disabled)'] },
  { part: '#lens-panel', target: ['[role="tab"][aria-selected="true"]', 'button'] },
];

/** Moves the focus to the next (or previous) part that is on the page; true when it moved. */
export function focusNextPart(backwards: boolean): boolean {
  const present = PARTS.map((p) => ({ ...p, el: document.querySelector<HTMLElement>(p.part) }))
    .filter((p): p is typeof p & { el: HTMLElement } => p.el !== null && p.el.offsetParent !== null);
  if (!present.length) return false;
  const active = document.activeElement;
  const at = present.findIndex((p) => p.el.contains(active));
  const step = backwards ? -1 : 1;
  const from = at === -1 ? (backwards ? 0 : -1) : at;
  const next = present[(from + step + present.length) % present.length]!;
  focusInPart(next.el, next.target);
  return true;
}

function focusInPart(part: HTMLElement, targets: string[]): void {
  for (const selector of targets) {
    const el = part.querySelector<HTMLElement>(selector);
    if (el && el.offsetParent !== null) return el.focus();
  }
  // No control to land on: the part itself (it has tabIndex -1 and a label) takes the focus.
  if (!part.hasAttribute('tabindex')) part.tabIndex = -1;
  part.focus();
}
