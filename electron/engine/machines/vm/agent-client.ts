// The host side of the guest agent (build/guest/agent) on the VM's virtio console: runs
// checks and solutions in the guest, resizes the learner's console, powers the guest off.
import { randomBytes } from 'node:crypto';
import type { LineStream } from './line-stream.js';
import { NoAnswerError } from '../../errors.js';
import { DEFAULT_MAX_OUTPUT, type ScriptOptions, type ScriptResult } from '../script-result.js';

export interface AgentHello { uptimeS: number; kernel: string; bootId: string }

/** The first line an agent says: `READY <uptime> <kernel-release> <boot-id>`. */
export function parseHello(line: string): AgentHello | undefined {
  const m = /^READY (\d+(?:\.\d+)?) (\S+) (\S+)$/.exec(line);
  return m ? { uptimeS: Number(m[1]), kernel: m[2]!, bootId: m[3]! } : undefined;
}

/** Exports for the script: the agent runs plain `sh`, so env is set by the script itself. */
function withEnv(script: string, env: Record<string, string> = {}): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const lines = Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`);
  return [...lines, script].join('\n');
}

export class AgentClient {
  constructor(private readonly lines: LineStream) {}

  waitForHello(timeoutMs: number): Promise<AgentHello> {
    return this.lines.next(parseHello, timeoutMs);
  }

  async run(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    const id = randomBytes(6).toString('hex');
    const payload = Buffer.from(withEnv(script, opts.env)).toString('base64');
    const output = this.lines.next((l) => (l.startsWith(`O ${id} `) || l === `O ${id}` ? l.slice(id.length + 3) : undefined), opts.timeoutMs);
    const exit = this.lines.next((l) => (l.startsWith(`E ${id} `) ? Number(l.slice(id.length + 3)) : undefined), opts.timeoutMs);
    this.lines.send(`X ${id} ${payload}`);
    try {
      const [b64, exitCode] = await Promise.all([output, exit]);
      const text = Buffer.from(b64, 'base64');
      const cap = opts.maxOutput ?? DEFAULT_MAX_OUTPUT;
      return { exitCode, output: text.subarray(0, cap).toString('utf8'), timedOut: false, truncated: text.length >= cap };
    } catch (err) {
      this.lines.send(`K ${id}`);
      if (err instanceof NoAnswerError) return { exitCode: 124, output: '', timedOut: true, truncated: false };
      throw err;
    }
  }

  resize(rows: number, cols: number): void {
    this.lines.send(`R ${Math.floor(rows)} ${Math.floor(cols)}`);
  }

  powerOff(): void {
    this.lines.send('P');
  }

  close(): void { this.lines.close(); }
}
