/**
 * The message of anything thrown: an Error's message, or the value as text.
 * @param error - what was caught
 * @returns one message to put in a result, a diagnostic or a log line
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
