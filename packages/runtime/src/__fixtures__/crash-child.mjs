// Runs one approved call of slow_change with the BUILT runtime; the test kills it mid-run.
import { createRuntime } from "@mc/runtime";
import { slowTool } from "./slow-tool.mjs";

const [stateDir, approvalId] = process.argv.slice(2);
const runtime = createRuntime({ stateDir, tools: [slowTool], env: {} });
await runtime.runTool("slow_change", { target: "x", approval_id: approvalId }, { caller: { kind: "embedded", name: "crash-child" } });
