import packageJson from "../package.json" with { type: "json" };

/** This package's name and version: its tools' schemas are this version's contract. */
export const TOOLS_CONFIG_PACKAGE: { readonly name: string; readonly version: string } = {
  name: packageJson.name,
  version: packageJson.version,
};
