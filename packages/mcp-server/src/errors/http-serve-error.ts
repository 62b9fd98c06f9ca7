import { McError } from "@mc/core";

/** `serveHttp` options that would make the server unsafe or unusable (code `http_options_invalid`). */
export class HttpServeError extends McError {
  /**
   * @param message - a sentence naming the bad option
   * @param option - the option's name
   */
  constructor(message: string, option: string) {
    super("http_options_invalid", message, { data: { option } });
  }

  /**
   * @param value - anything caught
   * @returns whether it is an HttpServeError
   */
  static override isInstance(value: unknown): value is HttpServeError {
    return McError.isInstance(value) && value.code === "http_options_invalid";
  }
}
