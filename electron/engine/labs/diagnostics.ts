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
  return `${inside ? relative : file}:${d.line}:${d.col}: ${d.message}`;
}

/** A lab folder that does not follow the lab format; carries every problem found, not just the first. */
export class LabFormatError extends Error {
  override readonly name = 'LabFormatError';

  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}
