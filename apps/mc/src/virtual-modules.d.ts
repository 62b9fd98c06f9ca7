/**
 * The CLI as one CommonJS script: tsup.config.ts's mc-body plugin makes `carrier`, whose body
 * becomes a line comment holding the script when mc.mjs is built (see src/mc.ts).
 */
declare module "virtual:mc-body" {
  export function carrier(): unknown;
}
