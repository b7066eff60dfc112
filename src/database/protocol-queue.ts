import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Extended-protocol messages that belong to a batch ending with Sync: Parse, Bind, Describe, Execute, Close, Flush. */
const MID_BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * The query queue of @electric-sql/pglite-socket 0.2.17, corrected. PGlite is one backend shared by every client
 * connection, and the package queues each protocol message on its own, keeping one connection's messages
 * together only inside a transaction. So another connection can slip in between a query's Parse and its Bind
 * (for instance a BEGIN, whose transaction then holds the backend), replace the unnamed statement, and the first
 * connection binds and runs the wrong statement. This queue also keeps a connection's messages together until
 * the Sync that ends its batch. test/embedded-concurrency.e2e-spec.ts fails without it.
 */
export class ProtocolQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  private owner: number | null = null;
  private midBatch = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.processQueue();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    this.midBatch = false;
    await this.processQueue();
  }

  private next(): QueuedMessage | undefined {
    const bound = this.owner !== null && (this.midBatch || this.db.isInTransaction());
    if (!bound) return this.queue.shift();
    const index = this.queue.findIndex((item) => item.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        try {
          const current = item;
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error as Error);
          continue;
        }
        this.owner = item.handlerId;
        this.midBatch = MID_BATCH.has(item.message[0]);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
