/** The CLI as one CommonJS script, already wrapped by tsup.config.ts's mc-body plugin (see runMc's `script`). */
declare module "virtual:mc-body" {
  export const script: string;
}
