import type { AuditRecord } from "./audit-event.js";
import { appendAuditBatch } from "./audit-journal.js";
import type { AuditEventFields, AuditHeadCache } from "./audit-journal.js";
import type { Scope, StoreConnection } from "./store-dialect.js";

interface Waiting {
  fields: AuditEventFields;
  resolve: (record: AuditRecord) => void;
  reject: (error: unknown) => void;
}

/** Most events committed together; a larger group waits for the next commit. */
const MAX_GROUP = 256;

/**
 * Group commit for plain audit appends: events that arrive while the database is busy with an
 * earlier write (typically its fsync), or in the same turn of the event loop, are written
 * together in the next transaction, so N concurrent calls cost one commit instead of N. No
 * event waits on a timer: a lone event is written after one turn of the event loop. Each
 * append's promise resolves only after the commit that holds its event, so nothing is
 * acknowledged before it is durable; when that commit fails, every event of the group is
 * rejected.
 */
export class AuditGroupCommit {
  readonly #connection: StoreConnection;
  readonly #scope: (database: Scope["database"]) => Scope;
  readonly #head: AuditHeadCache;
  #waiting: Waiting[] = [];
  #scheduled = false;

  /**
   * @param connection - the store's connection (its operation queue orders the commits)
   * @param scope - the store's scope (dialect, host) around the connection's database
   * @param head - the store's cache of the chain head
   */
  constructor(connection: StoreConnection, scope: (database: Scope["database"]) => Scope, head: AuditHeadCache) {
    this.#connection = connection;
    this.#scope = scope;
    this.#head = head;
  }

  /**
   * Queues one event for the next commit.
   * @param fields - the event's checked, redacted fields
   * @returns the stored event, once committed
   */
  append(fields: AuditEventFields): Promise<AuditRecord> {
    return new Promise<AuditRecord>((resolve, reject) => {
      this.#waiting.push({ fields, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One turn of the event loop first (no timer): the calls whose I/O finished in this turn
    // add their events to the group. libSQL's commit, fsync included, runs on this thread, so
    // without the turn every call of a burst would find the previous commit done and go alone.
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    let group: Waiting[] | undefined;
    // The group is taken when the operation starts (after the writes queued before it), and
    // kept across the connection's retries after SQLITE_BUSY.
    const written = this.#connection.run((database, client, prepared) => {
      if (group === undefined) {
        group = this.#waiting.splice(0, MAX_GROUP);
        this.#scheduled = false;
        if (this.#waiting.length > 0) this.#schedule();
      }
      return appendAuditBatch(
        this.#scope(database),
        client,
        prepared,
        group.map((waiting) => waiting.fields),
        this.#head,
      );
    });
    written.then(
      (records) => {
        group?.forEach((waiting, index) => waiting.resolve(records[index]!));
      },
      (error: unknown) => {
        if (group === undefined) {
          // The operation never started (the connection is closed): fail what is waiting.
          this.#scheduled = false;
          group = this.#waiting.splice(0);
        }
        for (const waiting of group) waiting.reject(error);
      },
    );
  }
}
