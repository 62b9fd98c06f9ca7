import packageJson from "../package.json" with { type: "json" };

/** The version of @mc/cli, shown by `mc --version` and sent as the MCP server version. */
export const VERSION: string = packageJson.version;
