// A minimal QMP client: the greeting, capabilities negotiation, then one command at a time.
import { connectLines, type LineSocket } from './line-socket.js';

interface QmpReply { return?: unknown; error?: { class: string; desc: string }; id?: number }

export class Qmp {
  private nextId = 1;
  private constructor(private readonly lines: LineSocket) {}

  static async connect(path: string, deadlineMs: number): Promise<Qmp> {
    const lines = await connectLines(path, deadlineMs);
    await lines.next((l) => (l.includes('"QMP"') ? true : undefined), deadlineMs);
    const qmp = new Qmp(lines);
    await qmp.execute('qmp_capabilities');
    return qmp;
  }

  async execute(command: string, args?: Record<string, unknown>, timeoutMs = 5000): Promise<unknown> {
    const id = this.nextId++;
    this.lines.send(JSON.stringify({ execute: command, arguments: args, id }));
    const reply = await this.lines.next((l) => {
      const msg = JSON.parse(l) as QmpReply;
      return msg.id === id ? msg : undefined;
    }, timeoutMs);
    if (reply.error) throw new Error(`QMP ${command}: ${reply.error.desc}`);
    return reply.return;
  }

  close(): void { this.lines.close(); }
}
