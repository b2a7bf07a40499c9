// The few icons the UI uses, as inline SVG (no icon font, nothing fetched).
import type { ReactNode } from 'react';
import type { ShownKind } from './machine-kinds.js';

function Svg({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="1.4"
      strokeLinecap="round" strokeLinejoin="round" role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true}>
      {children}
    </svg>
  );
}

export function MachineIcon({ kind }: { kind: ShownKind }) {
  if (kind === 'container') return <Svg><path d="M2 5.5 8 2.5l6 3v5l-6 3-6-3z" /><path d="M2 5.5l6 3 6-3M8 8.5v5" /></Svg>;
  if (kind === 'vm') return <Svg><rect x="1.5" y="2.5" width="13" height="9" rx="1.2" /><path d="M5.5 14h5M8 11.5V14" /></Svg>;
  if (kind === 'learner-computer') return <Svg><rect x="2.5" y="3" width="11" height="7.5" rx="1" /><path d="M1 13.5h14" /></Svg>;
  return <Svg><rect x="2" y="2" width="12" height="5" rx="1" /><rect x="2" y="9" width="12" height="5" rx="1" /><path d="M4.5 4.5h.01M4.5 11.5h.01" /></Svg>;
}

export const PlayIcon = () => <Svg><path d="M5 3.5v9l7-4.5z" fill="currentColor" /></Svg>;
export const CopyIcon = () => <Svg><rect x="5.5" y="5.5" width="8" height="8" rx="1.2" /><path d="M10.5 5.5v-2a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" /></Svg>;
export const CheckIcon = () => <Svg><path d="M3 8.5l3 3 7-7" /></Svg>;
export const CrossIcon = () => <Svg><path d="M4 4l8 8M12 4l-8 8" /></Svg>;
export const BulbIcon = () => <Svg><path d="M6 12.5h4M6.5 14.5h3M8 1.5a4.5 4.5 0 0 0-2.5 8.2V11h5V9.7A4.5 4.5 0 0 0 8 1.5z" /></Svg>;
export const StopIcon = () => <Svg><rect x="4" y="4" width="8" height="8" rx="1" fill="currentColor" /></Svg>;
export const ResetIcon = () => <Svg><path d="M2.5 8a5.5 5.5 0 1 0 1.6-3.9M2.5 2.5v3h3" /></Svg>;
export const BackIcon = () => <Svg><path d="M10 3 5 8l5 5" /></Svg>;
export const SearchIcon = () => <Svg><circle cx="7" cy="7" r="4.5" /><path d="M10.5 10.5 14 14" /></Svg>;
export const LensIcon = () => <Svg><circle cx="7" cy="7" r="4.5" /><circle cx="7" cy="7" r="1.5" /><path d="M10.5 10.5 14 14" /></Svg>;
export const BundleIcon = () => <Svg><path d="M8 1.5 14 4.5v7L8 14.5 2 11.5v-7zM2 4.5l6 3 6-3M8 7.5v7" /></Svg>;
export const FolderIcon = () => <Svg><path d="M1.5 4a1 1 0 0 1 1-1h3.6l1.5 1.6h5.9a1 1 0 0 1 1 1V12a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z" /></Svg>;
export const ClockIcon = () => <Svg><circle cx="8" cy="8" r="6" /><path d="M8 4.5V8l2.5 1.5" /></Svg>;

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <rect x="2" y="4" width="9" height="16" rx="2" fill="#7aa2f7" />
      <rect x="13" y="4" width="9" height="7" rx="2" fill="#9ece6a" />
      <rect x="13" y="13" width="9" height="7" rx="2" fill="#e0af68" />
    </svg>
  );
}
