// One formatter for the workspace. 160 columns matches how the code was written; the rest are
// prettier's defaults (double quotes, semicolons, trailing commas).
/** @type {import("prettier").Config} */
export default {
  printWidth: 160,
};
