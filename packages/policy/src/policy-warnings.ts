import type { KeyPath } from "./key-path.js";
import type { LoadedPolicy } from "./loaded-policy.js";
import { pathKind } from "./path-kind.js";
import type { PolicyDocument } from "./policy-schema.js";
import { unmatchablePatternReason } from "./unit-name.js";

/** A warning before it is located in the source. */
export interface PolicyWarning {
  /** Key path the warning is about. */
  keyPath: KeyPath;
  /** The sentence. */
  message: string;
}

/**
 * Finds things that load but are probably not what the operator meant.
 * @param document - the schema-checked document
 * @param policy - the policy built from it (roots expanded)
 * @returns warnings with their key paths
 */
export function policyWarnings(document: PolicyDocument, policy: LoadedPolicy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  for (const [name, section] of Object.entries(document.tools ?? {})) {
    if (!section) continue;
    if (section.enabled === false && (section.service_patterns !== undefined || section.allowed_scopes !== undefined)) {
      warnings.push({ keyPath: ["tools", name, "enabled"], message: `${name} is disabled, so its allowed_scopes / service_patterns have no effect` });
    }
    if (section.allowed_scopes?.length === 0) {
      warnings.push({ keyPath: ["tools", name, "allowed_scopes"], message: `allowed_scopes is empty: every call of ${name} that names a scope is denied` });
    }
    if (section.service_patterns?.length === 0) {
      warnings.push({ keyPath: ["tools", name, "service_patterns"], message: `service_patterns is empty: every call of ${name} is denied` });
    }
    section.service_patterns?.forEach((pattern, index) => {
      const reason = unmatchablePatternReason(pattern);
      if (reason !== undefined) {
        warnings.push({
          keyPath: ["tools", name, "service_patterns", index],
          message: `pattern ${JSON.stringify(pattern)} can never match a valid unit name: ${reason}`,
        });
      }
    });
  }
  const elicitation = document.approvals?.allow_elicitation;
  if (elicitation === true) {
    warnings.push({
      keyPath: ["approvals", "allow_elicitation"],
      message:
        'allow_elicitation = true means ["mutating_safe"]: a client\'s prompt may approve mutating_safe tools, never privileged ones; write the list to say which risk levels you mean',
    });
  } else if (Array.isArray(elicitation) && elicitation.includes("privileged")) {
    warnings.push({
      keyPath: ["approvals", "allow_elicitation"],
      message: "a client's prompt may approve privileged tools: the MCP client application, not mc, decides whether a human sees that prompt",
    });
  }
  if (document.config_targets !== undefined) {
    if (document.config_targets.length === 0) {
      warnings.push({ keyPath: ["config_targets"], message: "config_targets is empty: no config file can be read or written" });
    }
    policy.configTargets.forEach((target, targetIndex) => {
      target.roots.forEach((root, rootIndex) => {
        const kind = pathKind(root);
        if (kind !== "directory") {
          warnings.push({
            keyPath: ["config_targets", targetIndex, "roots", rootIndex],
            message: `root ${root} ${kind === "missing" ? "does not exist" : "is not a directory"}: no file of target ${JSON.stringify(target.name)} can be found there`,
          });
        }
      });
      target.fileGlobs.forEach((glob, globIndex) => {
        if (glob.includes("**")) {
          warnings.push({
            keyPath: ["config_targets", targetIndex, "file_globs", globIndex],
            message: `glob ${JSON.stringify(glob)}: "**" is two "*" here; a glob segment never crosses "/"`,
          });
        }
      });
    });
  }
  return warnings;
}
