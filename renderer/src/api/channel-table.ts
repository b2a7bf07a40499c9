// Terminal channels of one connection. The UI picks the number (attachTerminal's contract), so
// it can register the channel before asking: frames may arrive before the response. Pure.

const MAX_CHANNEL = 0xffffffff;

export class ChannelTable<T> {
  private next = 1;
  private readonly channels = new Map<number, T>();

  /** Registers `value` on an unused channel and returns its number. */
  add(value: T): number {
    if (this.channels.size >= 0xffff) throw new Error('too many terminal channels on this connection');
    while (this.channels.has(this.next)) this.bump();
    const channel = this.next;
    this.bump();
    this.channels.set(channel, value);
    return channel;
  }

  get(channel: number): T | undefined { return this.channels.get(channel); }

  delete(channel: number): boolean { return this.channels.delete(channel); }

  entries(): [number, T][] { return [...this.channels.entries()]; }

  get size(): number { return this.channels.size; }

  private bump(): void {
    this.next = this.next >= MAX_CHANNEL ? 1 : this.next + 1;
  }
}
