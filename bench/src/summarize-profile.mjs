#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (node --cpu-prof): top functions by self time, and self time by
// package (a rough module-load/cost split). Usage: node bench/src/summarize-profile.mjs FILE [TOP]
import { readFileSync } from "node:fs";

const [file, topArgument] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: summarize-profile.mjs FILE.cpuprofile [TOP]\n");
  process.exit(2);
}
const top = Number(topArgument ?? 15);
// Piped into head: a closed stdout is not an error.
process.stdout.on("error", () => process.exit(0));
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
// timeDeltas[i] is the time before samples[i]; attribute it to that sample's node.
for (let index = 0; index < profile.samples.length; index += 1) {
  const id = profile.samples[index];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
}
const total = [...self.values()].reduce((sum, value) => sum + value, 0);
const functions = new Map();
const packages = new Map();
for (const [id, micros] of self) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  const url = frame.url.replace(/^file:\/\//, "");
  const where = url ? `${url.replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "")}:${frame.lineNumber + 1}` : "(native)";
  const key = `${frame.functionName || "(anonymous)"} ${where}`;
  functions.set(key, (functions.get(key) ?? 0) + micros);
  const pkg = !url
    ? frame.functionName.startsWith("(")
      ? frame.functionName
      : "(native/V8)"
    : url.startsWith("node:")
      ? "node: internals"
      : (/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url.replace(/.*\/(packages|apps)\/([^/]+)\/.*/, "@mc/$2"));
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
}
// Inclusive-ish view: each sample goes to the nearest caller frame in a package (so Node's module
// loader and GC under an import are charged to the package that imports).
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const packageOf = (url) =>
  /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
  /\/(packages|apps|tooling)\/([^/]+)\//.exec(url)?.[2]?.replace(/^/, "@mc/") ??
  undefined;
const charged = new Map();
for (const [id, micros] of self) {
  let current = id;
  let owner;
  while (current !== undefined && owner === undefined) {
    const url = (byId.get(current)?.callFrame.url ?? "").replace(/^file:\/\//, "");
    if (url && !url.startsWith("node:")) owner = packageOf(url) ?? url;
    current = parent.get(current);
  }
  const name = byId.get(id)?.callFrame.functionName ?? "";
  const key = owner ?? (name === "(idle)" ? "(idle)" : "(node start-up / no package frame)");
  charged.set(key, (charged.get(key) ?? 0) + micros);
}
const print = (title, map, count) => {
  process.stdout.write(`\n${title} (total ${(total / 1000).toFixed(1)} ms sampled)\n`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    process.stdout.write(`${(micros / 1000).toFixed(1).padStart(9)} ms ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
print("self time by function", functions, top);
print("self time by package", packages, top);
print("time charged to the nearest package frame (module loading included)", charged, top);
