// A fenced block's info string names the machine it runs on: "sh @app" (language, then
// machine) or just "@app" (docs/lab-format.md, "Step markdown"). Pure.

import { LAB_NAME_PATTERN } from '../../../electron/shared/ids.js';

export interface FenceInfo { language?: string; machine?: string }

const MACHINE = new RegExp(`^@(${LAB_NAME_PATTERN})$`);

/** `lang` and `meta` as remark splits an info string: first word, then the rest. */
export function parseFenceInfo(lang: string | null | undefined, meta: string | null | undefined): FenceInfo {
  const words = [lang ?? '', ...(meta ?? '').split(/\s+/)].map((w) => w.trim()).filter(Boolean);
  const info: FenceInfo = {};
  for (const word of words) {
    const m = MACHINE.exec(word);
    if (m) info.machine ??= m[1];
    else if (info.language === undefined && !word.startsWith('@')) info.language = word;
  }
  return info;
}

/** What "Run" types: the block's lines, each ended like a press of Enter. */
export function typedCommand(code: string): string {
  return `${code.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}\n`.replace(/\n/g, '\r');
}
