/** The CLI as one CommonJS text, made by tsup.config.ts's mc-body plugin. */
declare module "virtual:mc-body" {
  export const body: string;
}
