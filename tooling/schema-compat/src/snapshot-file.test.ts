import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, type ToolDefinition } from "@mc/core";
import * as v from "valibot";
import { describe, expect, it, onTestFinished } from "vitest";
import { SnapshotError } from "./errors/snapshot-error.js";
import { readSnapshot, writeSnapshot } from "./snapshot-file.js";
import { buildSnapshot } from "./tool-snapshot.js";

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "mc-schema-compat-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

const run = async () => {
  throw new Error("not run in these tests");
};
const status = defineTool({
  name: "service_status",
  title: "Service status",
  description: "Shows a service's state.",
  risk: "read_only",
  input: v.strictObject({ unit: v.pipe(v.string(), v.maxLength(256)), lines: v.optional(v.number(), 50) }),
  output: v.object({ unit: v.string(), active: v.boolean() }),
  run,
}) as unknown as ToolDefinition;
const restart = defineTool({
  name: "restart_service",
  title: "Restart a service",
  description: "Restarts a service.",
  risk: "privileged",
  input: v.strictObject({ unit: v.string() }),
  output: v.object({ restarted: v.literal(true) }),
  run,
}) as unknown as ToolDefinition;

describe("buildSnapshot", () => {
  it("should hold each tool's risk, text and JSON Schemas, tools sorted by name", () => {
    const snapshot = buildSnapshot("@mc/tools-systemd", [status, restart]);
    expect(Object.keys(snapshot.tools)).toStrictEqual(["restart_service", "service_status"]);
    expect(snapshot.tools.restart_service).toStrictEqual({
      risk: "privileged",
      title: "Restart a service",
      description: "Restarts a service.",
      input: {
        $schema: "http://json-schema.org/draft-07/schema#",
        additionalProperties: false,
        properties: { unit: { type: "string" } },
        required: ["unit"],
        type: "object",
      },
      output: {
        $schema: "http://json-schema.org/draft-07/schema#",
        properties: { restarted: { const: true } },
        required: ["restarted"],
        type: "object",
      },
    });
  });

  it("should not change when an object's entries are reordered", () => {
    const reordered = { ...status, input: v.strictObject({ lines: v.optional(v.number(), 50), unit: v.pipe(v.string(), v.maxLength(256)) }) };
    const output = (entries: "ab" | "ba") =>
      entries === "ab" ? v.object({ alpha: v.string(), beta: v.number() }) : v.object({ beta: v.number(), alpha: v.string() });
    expect(buildSnapshot("@mc/tools-systemd", [{ ...reordered, output: output("ba") }])).toStrictEqual(
      buildSnapshot("@mc/tools-systemd", [{ ...status, output: output("ab") }]),
    );
  });

  it("should refuse two tools with one name", () => {
    expect(() => buildSnapshot("@mc/tools-systemd", [status, status])).toThrow('@mc/tools-systemd defines the tool "service_status" twice');
  });
});

describe("writeSnapshot", () => {
  it("should write the same bytes whatever the tools' order, and read back what it wrote", async () => {
    const directory = await temporaryDirectory();
    const first = join(directory, "a", "schemas", "tools.json");
    const second = join(directory, "b", "schemas", "tools.json");
    await writeSnapshot(first, buildSnapshot("@mc/tools-systemd", [status, restart]));
    await writeSnapshot(second, buildSnapshot("@mc/tools-systemd", [restart, status]));
    const text = await readFile(first, "utf8");
    expect(await readFile(second, "utf8")).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"restart_service"')).toBeLessThan(text.indexOf('"service_status"'));
    expect(await readSnapshot(first)).toStrictEqual(buildSnapshot("@mc/tools-systemd", [status, restart]));
    expect(await readdir(join(directory, "a", "schemas"))).toStrictEqual(["tools.json"]);
  });
});

describe("readSnapshot", () => {
  it("should name a missing file", async () => {
    const path = join(await temporaryDirectory(), "tools.json");
    const error = await readSnapshot(path).catch((caught: unknown) => caught);
    expect(SnapshotError.isInstance(error)).toBe(true);
    expect((error as SnapshotError).message).toMatch(/^cannot read the schema snapshot .*tools\.json: ENOENT/);
  });

  it("should name a file that is not JSON", async () => {
    const path = join(await temporaryDirectory(), "tools.json");
    await writeFile(path, "{ not json");
    const error = await readSnapshot(path).catch((caught: unknown) => caught);
    expect(SnapshotError.isInstance(error)).toBe(true);
    expect((error as SnapshotError).message).toMatch(/^the schema snapshot .*tools\.json is not valid JSON: /);
  });

  it("should name the field of a malformed snapshot", async () => {
    const path = join(await temporaryDirectory(), "tools.json");
    await writeFile(
      path,
      JSON.stringify({ package: "@mc/tools-systemd", tools: { service_status: { risk: "dangerous", title: "", description: "", input: {}, output: {} } } }),
    );
    const error = await readSnapshot(path).catch((caught: unknown) => caught);
    expect((error as SnapshotError).message).toBe(
      `the schema snapshot ${path} is malformed: tool "service_status" has risk "dangerous"; expected one of read_only, mutating_safe, privileged`,
    );
    expect((error as SnapshotError).data).toStrictEqual({ path });
  });
});
