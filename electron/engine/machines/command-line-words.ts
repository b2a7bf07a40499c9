// A command line split into words as a shell would, for settings that hold one (as git's
// GIT_SSH_COMMAND does).

/**
 * A command line split into words as a shell would (quotes and backslashes; no variables or
 * globs), for LABVISOR_SSH_COMMAND as git's GIT_SSH_COMMAND: `ssh -F /tmp/my config`.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | '\'' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === '\'') {
      if (c === '\'') quote = undefined; else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
    } else if (c === '\'' || c === '"') {
      quote = c; inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i]; inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = ''; inWord = false;
    } else {
      word += c; inWord = true;
    }
  }
  if (quote) throw new Error(`unmatched ${quote} in "${line}"`);
  if (inWord) words.push(word);
  return words;
}
