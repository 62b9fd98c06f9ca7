import { defineTool, SCOPES, TIMEOUTS, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { runChecked, scopedArgs } from "./run-checked.js";
import { parseProperties } from "./unit-properties.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";

/** One file of a unit: its path and text. */
export const unitFileEntrySchema = v.object({
  path: v.pipe(v.string(), v.description("Absolute path of the file, as systemd reports it.")),
  content: v.pipe(v.nullable(v.string()), v.description("The file's text as systemctl cat prints it; null when the output cap was reached before it.")),
});

/** Output of `unit_file`. */
export const unitFileOutputSchema = v.object({
  scope: v.picklist(SCOPES),
  unit: v.pipe(v.string(), v.description("The unit asked for.")),
  load_state: v.pipe(v.string(), v.description("loaded, masked, error, …")),
  fragment: v.pipe(v.nullable(unitFileEntrySchema), v.description("The unit file itself, or null when the unit has none.")),
  dropins: v.pipe(v.array(unitFileEntrySchema), v.description("Drop-in files (*.d/*.conf), in the order systemd applies them.")),
  truncated: v.pipe(v.boolean(), v.description("The output cap was reached: the last file shown is cut, later ones have content null.")),
});

/** A file and the text systemctl printed for it. */
type UnitFileEntry = v.InferOutput<typeof unitFileEntrySchema>;

/**
 * Splits `systemctl cat` output into the files systemd named (FragmentPath, then DropInPaths).
 * systemctl prints `# PATH` before each file and a blank line between files; taking the list of
 * files from systemd rather than from the text means a file whose text contains such a header
 * line cannot add a file that does not exist (at worst its own tail is shown under the next one).
 * @param text - stdout of `systemctl cat UNIT`
 * @param paths - the unit's files, in the order systemctl prints them
 * @returns each file with its text, null for files the text does not reach
 */
export function splitUnitFiles(text: string, paths: readonly string[]): UnitFileEntry[] {
  const files: UnitFileEntry[] = [];
  let position = 0;
  let reached = true;
  for (const [index, path] of paths.entries()) {
    const header = `${index === 0 ? "" : "\n"}# ${path}\n`;
    const at = reached ? (index === 0 ? (text.startsWith(header) ? 0 : -1) : text.indexOf(header, position)) : -1;
    if (at === -1) {
      reached = false;
      files.push({ path, content: null });
      continue;
    }
    const previous = files.at(-1);
    if (previous !== undefined) previous.content = text.slice(position, at);
    position = at + header.length;
    files.push({ path, content: text.slice(position) });
  }
  return files;
}

/** `unit_file`: the unit file and drop-ins of a unit, from `systemctl cat`. */
export const unitFileTool = defineTool({
  name: "unit_file",
  title: "Unit file",
  description:
    "The unit file of a unit and its drop-ins (systemctl cat), each with its path and text, in the order systemd " +
    "applies them; bounded by the runner's output cap (truncated says so). A unit without files (e.g. a device) " +
    "has fragment null; a unit that does not exist is an error. scope 'user' reads the calling user's manager.",
  needs: ["systemd_manager"],
  risk: "read_only",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.strictObject({ unit: unitNameSchema, scope: scopeSchema }),
  output: unitFileOutputSchema,
  async run(input, context) {
    const { unit, scope } = input;
    const shown = await runChecked(context, "systemctl", scopedArgs(scope, ["show", unit, "--no-pager", "--property=LoadState,FragmentPath,DropInPaths"]), {
      timeoutMs: TIMEOUTS.query,
      scope,
      purpose: `read the files of ${unit} (${scope} scope)`,
    });
    if (shown.truncated) {
      // A cut DropInPaths= would silently drop files: refuse instead.
      throw new ToolFailureError(`systemctl show's output for ${unit} was cut at the output cap`, { data: { unit, scope } });
    }
    const properties = parseProperties(shown.stdout);
    const loadState = properties.get("LoadState") ?? "";
    const fragmentPath = properties.get("FragmentPath") ?? "";
    const dropinPaths = (properties.get("DropInPaths") ?? "").split(" ").filter((path) => path !== "");
    if (loadState === "not-found" && fragmentPath === "" && dropinPaths.length === 0) {
      throw new ToolFailureError(`No unit ${unit} in the ${scope} manager`, { data: { reason: "unit_not_found", unit, scope } });
    }
    const paths = fragmentPath === "" ? dropinPaths : [fragmentPath, ...dropinPaths];
    if (paths.length === 0 || loadState === "masked") {
      return { scope, unit, load_state: loadState, fragment: null, dropins: [], truncated: false };
    }
    const cat = await runChecked(context, "systemctl", scopedArgs(scope, ["cat", unit, "--no-pager"]), {
      timeoutMs: TIMEOUTS.query,
      scope,
      purpose: `read the files of ${unit} (${scope} scope)`,
      acceptTruncated: true,
    });
    const files = splitUnitFiles(cat.stdout, paths);
    const fragment = fragmentPath === "" ? null : (files.shift() ?? null);
    // A header not found in uncut output (a format this parser does not know) is reported the same way.
    const truncated = cat.truncated || fragment?.content === null || files.some((file) => file.content === null);
    return { scope, unit, load_state: loadState, fragment, dropins: files, truncated };
  },
});
