// Problems in a lab folder, each at a file position, printed the way compilers do so that
// editors and terminals can jump to them.
import path from 'node:path';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** `file:line:col: message`, the file relative to the working directory when inside it. */
export function formatDiagnostic(d: Diagnostic): string {
  const file = path.resolve(d.file);
  const relative = path.relative(process.cwd(), file);
  const inside = relative !== '' && relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative);
  return `${inside ? relative : file}:${d.line}:${d.col}: ${printable(d.message)}`;
}

/**
 * The message with control characters escaped (\n, \u001b). Messages quote the lab's own text
 * (unknown keys, YAML's excerpts), which must neither break the one-problem-a-line format nor
 * reach a terminal as escape sequences.
 */
export function printable(message: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return message.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A lab folder that does not follow the lab format; carries every problem found, not just the first. */
export class LabFormatError extends Error {
  override readonly name = 'LabFormatError';

  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const clean = diagnostics.map((d) => ({ ...d, message: printable(d.message) }));
    super(clean.map(formatDiagnostic).join('\n'));
    this.diagnostics = clean;
  }
}
