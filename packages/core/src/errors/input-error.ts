import { McError } from "./mc-error.js";

/** One problem with a tool's arguments: where (a dotted key path) and what. */
export interface InputIssue {
  /** Dotted path of the offending argument, e.g. `unit` or `lines`; empty for the whole input. */
  path: string;
  /** What is wrong with it. */
  message: string;
}

/** Arguments that fail the tool's input schema or its rules. Raised before any process starts. */
export class InputError extends McError {
  /** Every problem found, not only the first. */
  readonly issues: readonly InputIssue[];

  /**
   * @param message - a sentence naming the problem
   * @param issues - each offending argument
   */
  constructor(message: string, issues: readonly InputIssue[] = []) {
    super("input_invalid", message, { data: { issues } });
    this.issues = issues;
  }

  /**
   * @param value - anything caught
   * @returns whether it is an InputError
   */
  static override isInstance(value: unknown): value is InputError {
    return McError.isInstance(value) && value.code === "input_invalid";
  }
}
