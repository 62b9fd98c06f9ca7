import { compileGlob, defineTool, matchGlob, McError, TIMEOUTS } from "@mc/core";
import * as v from "valibot";
import { notInstalledError, runIfInstalled } from "./installed-program.js";
import { wholeNumberSchema } from "./whole-number.js";

/** Longest package name or pattern accepted. */
const NAME_MAX_LENGTH = 128;

/** One installed package. */
export const installedPackageSchema = v.object({
  name: v.pipe(v.string(), v.description("Package name.")),
  version: v.pipe(v.string(), v.description("Installed version (rpm: [EPOCH:]VERSION-RELEASE).")),
  architecture: v.pipe(v.string(), v.description("Architecture, e.g. amd64, x86_64, all, noarch.")),
  status: v.pipe(v.string(), v.description("dpkg's status: installed, config-files, half-installed, unpacked, …; always installed with rpm.")),
});

/** Output of `installed_packages`. */
export const installedPackagesOutputSchema = v.object({
  manager: v.pipe(v.picklist(["dpkg", "rpm"]), v.description("The package database read.")),
  packages: v.array(installedPackageSchema),
  total: v.pipe(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
    v.description("How many packages matched before `limit`; null when the listing passed the output cap and the count is unknown."),
  ),
  truncated: v.pipe(v.boolean(), v.description("More packages matched than are listed.")),
});

const packageNameSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(NAME_MAX_LENGTH, `must be at most ${NAME_MAX_LENGTH} characters`),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9+_.~-]*$/, "may contain only ASCII letters, digits and + _ . ~ - (a letter or digit first)"),
  v.description("Exact package name, e.g. bash."),
);

const packagePatternSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(NAME_MAX_LENGTH, `must be at most ${NAME_MAX_LENGTH} characters`),
  // No "-" first (it would read as an option), no "/" or "\": a glob over package names only.
  v.regex(
    /^[A-Za-z0-9+_.~*?[\]!^][A-Za-z0-9+_.~*?[\]!^-]*$/,
    "may contain only ASCII letters, digits, + _ . ~ - and the glob characters * ? [ ] ! ^ (not - first)",
  ),
  v.check((pattern) => compileGlob(pattern).ok, "must be a valid glob (a closed, non-empty [class], no reversed range)"),
  v.description("Glob over package names (* ? [a-z] [!a-z]), e.g. 'libssl*'."),
);

/** What one line of the package manager's listing holds. */
type InstalledPackage = v.InferOutput<typeof installedPackageSchema>;

/**
 * Parses tab-separated `name, version, architecture, status` lines.
 * @param text - dpkg-query's or rpm's stdout
 * @param complete - false when the output was cut: the last line may be partial and is dropped
 * @returns one entry per well-formed line
 */
export function parsePackageLines(text: string, complete = true): InstalledPackage[] {
  const lines = text.split("\n");
  const whole = complete ? lines : lines.slice(0, -1);
  const packages: InstalledPackage[] = [];
  for (const line of whole) {
    const fields = line.split("\t");
    if (fields.length !== 4) continue;
    const [name, version, architecture, status] = fields as [string, string, string, string];
    if (name.length === 0) continue;
    packages.push({ name, version, architecture, status });
  }
  return packages;
}

/** dpkg-query's line format: its status field names the state (installed, config-files, …). */
const DPKG_FORMAT = "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n";
/** rpm's line format; everything rpm lists is installed. */
const RPM_FORMAT = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\tinstalled\\n";

/**
 * dpkg-query exits 1 with "no packages found matching" when nothing matches: an empty answer,
 * not a failure. Every other error is rethrown.
 * @param error - what runChecked threw
 * @returns an empty, complete listing
 */
function noMatchIsEmpty(error: unknown): { stdout: string; truncated: boolean } {
  if (McError.isInstance(error) && error.data.exit_code === 1 && String(error.data.stderr).includes("no packages found")) {
    return { stdout: "", truncated: false };
  }
  throw error;
}

/**
 * `installed_packages`: packages in the host's dpkg or rpm database matching a name or glob.
 */
export const installedPackagesTool = defineTool({
  name: "installed_packages",
  title: "Installed packages",
  description:
    "Looks up installed packages in the host's package database (dpkg-query on Debian/Ubuntu, rpm where dpkg " +
    "is absent): give `name` (exact) or `pattern` (glob over names: * ? [a-z] [!a-z], e.g. 'libssl*'), and " +
    "`limit` (default 50, 1–500). Returns name, version, architecture and status of each, the total and " +
    "whether the list was cut. Packages dpkg knows but that are not installed are left out.",
  risk: "read_only",
  input: v.pipe(
    v.strictObject({
      name: v.optional(packageNameSchema),
      pattern: v.optional(packagePatternSchema),
      limit: v.optional(wholeNumberSchema(1, 500, "How many packages at most (1–500, default 50)."), 50),
    }),
    v.forward(
      v.check((input) => (input.name === undefined) !== (input.pattern === undefined), "give exactly one of name and pattern"),
      ["name"],
    ),
  ),
  output: installedPackagesOutputSchema,
  async run(input, context) {
    const query = input.name ?? input.pattern ?? "";
    const glob = compileGlob(query);
    const options = { timeoutMs: TIMEOUTS.list, purpose: "list installed packages", acceptTruncated: true };
    let manager: "dpkg" | "rpm" = "dpkg";
    let result: { stdout: string; truncated: boolean } | undefined = await runIfInstalled(
      context,
      "dpkg-query",
      ["-W", `-f=${DPKG_FORMAT}`, query],
      options,
    ).catch(noMatchIsEmpty);
    if (result === undefined) {
      manager = "rpm";
      result = await runIfInstalled(context, "rpm", ["-qa", "--queryformat", RPM_FORMAT, query], options);
      if (result === undefined) throw notInstalledError("Neither `dpkg-query` (dpkg) nor `rpm` is installed on this host.");
    }
    // The manager's own glob is only a pre-filter: mc's glob decides what matches.
    const matched = parsePackageLines(result.stdout, !result.truncated).filter(
      (entry) => entry.status !== "not-installed" && (glob.ok ? matchGlob(glob.glob, entry.name) : entry.name === query),
    );
    matched.sort((left, right) => left.name.localeCompare(right.name) || left.architecture.localeCompare(right.architecture));
    const packages = matched.slice(0, input.limit);
    return {
      manager,
      packages,
      total: result.truncated ? null : matched.length,
      truncated: result.truncated || matched.length > packages.length,
    };
  },
});
