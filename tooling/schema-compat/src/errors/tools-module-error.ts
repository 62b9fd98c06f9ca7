import { McError } from "@mc/core";

/** A tools module that cannot be imported or does not export an array of tool definitions. */
export class ToolsModuleError extends McError {
  /**
   * @param message - a sentence naming the module, the export and the problem
   * @param options - the module's `path`, the `exportName` and the underlying `cause`
   */
  constructor(message: string, options: { path: string; exportName: string; cause?: unknown }) {
    super("tools_module_invalid", message, {
      data: { path: options.path, exportName: options.exportName },
      cause: options.cause,
    });
  }

  /**
   * @param value - anything caught
   * @returns whether it is a ToolsModuleError
   */
  static override isInstance(value: unknown): value is ToolsModuleError {
    return McError.isInstance(value) && value.code === "tools_module_invalid";
  }
}
