import { McError } from "@mc/core";

/** A pending changeset that cannot be read or parsed. */
export class ChangesetError extends McError {
  /**
   * @param message - a sentence naming the changeset file and the problem
   * @param options - the changeset's `path` and the underlying `cause`
   */
  constructor(message: string, options: { path: string; cause?: unknown }) {
    super("changeset_invalid", message, { data: { path: options.path }, cause: options.cause });
  }

  /**
   * @param value - anything caught
   * @returns whether it is a ChangesetError
   */
  static override isInstance(value: unknown): value is ChangesetError {
    return McError.isInstance(value) && value.code === "changeset_invalid";
  }
}
