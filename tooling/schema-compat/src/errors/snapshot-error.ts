import { McError } from "@mc/core";

/** A schema snapshot file that is missing, not JSON, or not shaped like a snapshot. */
export class SnapshotError extends McError {
  /**
   * @param message - a sentence naming the file and the problem
   * @param options - the snapshot's `path` and the underlying `cause`
   */
  constructor(message: string, options: { path: string; cause?: unknown }) {
    super("schema_snapshot_invalid", message, { data: { path: options.path }, cause: options.cause });
  }

  /**
   * @param value - anything caught
   * @returns whether it is a SnapshotError
   */
  static override isInstance(value: unknown): value is SnapshotError {
    return McError.isInstance(value) && value.code === "schema_snapshot_invalid";
  }
}
