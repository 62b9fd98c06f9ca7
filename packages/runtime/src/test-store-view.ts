// Test support: the runtime's public approvals and audit APIs under the names the older tests
// used for the store. Not exported from the package.
import type { Runtime } from "./runtime.js";
import type { ToolMap } from "./tool-types.js";

/**
 * @param runtime - the runtime under test
 * @returns its approvals and audit, store-shaped
 */
export function storeView<T extends ToolMap>(runtime: Runtime<T>) {
  return {
    approve: runtime.approvals.approve,
    reject: runtime.approvals.reject,
    get: runtime.approvals.get,
    list: runtime.approvals.list,
    listAudit: runtime.audit.list,
    verifyAudit: runtime.audit.verify,
  };
}
