/**
 * Parses harness.env text (`KEY=value` lines, no quoting; the value is everything after the
 * first `=`). Blank lines and lines without `=` are ignored.
 * @param text - the contents of harness.env, or up.sh's stdout
 * @returns the variables by name
 */
export function parseHarnessEnv(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const separator = line.indexOf("=");
    if (separator <= 0) continue;
    variables[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return variables;
}
