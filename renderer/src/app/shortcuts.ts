// Every keyboard shortcut, for the help overlay (?) and the handlers that match them.
export interface Shortcut { keys: string[]; what: string }

export const SHORTCUTS: { group: string; items: Shortcut[] }[] = [
  { group: 'Lab', items: [
    { keys: ['N'], what: 'Run the next block of this step; at its end, go to the next step' },
    { keys: ['J', '→'], what: 'Next step' },
    { keys: ['K', '←'], what: 'Previous step' },
    { keys: ['C'], what: 'Check this step' },
    { keys: ['H'], what: 'Show the next hint' },
    { keys: ['1–9'], what: 'Show the terminal of machine 1–9' },
    { keys: ['S'], what: 'Split view on or off' },
    { keys: ['L'], what: 'Lenses on or off: processes, kernels, footprint, images, volumes' },
    { keys: ['Esc'], what: 'Close the lenses (outside a terminal)' },
    { keys: ['D'], what: 'Presenter mode: play the solution into its terminal, typed for the room to follow' },
    { keys: ['Esc'], what: 'Stop playing (in a terminal too)' },
  ] },
  { group: 'Moving around', items: [
    { keys: ['F6'], what: 'Next part: lab bar, steps, step, terminals, lenses — also the way out of a terminal' },
    { keys: ['Shift', 'F6'], what: 'Previous part' },
    { keys: ['Tab'], what: 'Next control (in a terminal, Tab is the shell\'s: press F6 first)' },
  ] },
  { group: 'App', items: [
    { keys: ['O'], what: 'Open a lab folder (in the catalog; or drop one on it)' },
    { keys: ['B'], what: 'Load a workshop bundle (in the catalog): labs and their images, for a room without network' },
    { keys: ['P'], what: 'Presenter mode on or off (large fonts, high contrast)' },
    { keys: ['?'], what: 'This help' },
    { keys: ['Esc'], what: 'Close a dialog or menu' },
  ] },
  { group: 'Terminal', items: [
    { keys: ['Ctrl', 'Shift', 'C'], what: 'Copy the selection (selecting also copies)' },
    { keys: ['Ctrl', 'Shift', 'V'], what: 'Paste' },
    { keys: ['Ctrl', 'Shift', 'F'], what: 'Find in the terminal' },
    { keys: ['Ctrl', '='], what: 'Larger font' },
    { keys: ['Ctrl', '-'], what: 'Smaller font' },
    { keys: ['Ctrl', '0'], what: 'Default font size' },
    { keys: ['Right click'], what: 'Copy, Paste, Clear, Find' },
  ] },
];

/** Single-key shortcuts must not fire while the learner types in a field or a terminal. */
export function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('.xterm') !== null;
}
