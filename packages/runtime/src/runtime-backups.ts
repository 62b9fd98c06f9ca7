import { DeniedError } from "@mc/core";
import type { LoadedPolicy } from "@mc/policy";
import { listBackups, type BackupEntry } from "@mc/tools-config";

/** Backups of managed config files, under the policy's config targets. */
export interface RuntimeBackups {
  /**
   * The backups of one managed config file, newest first, with the ids `restore_config_backup`
   * takes.
   * @param options - the file's path (absolute) and, when the path alone is ambiguous, its target
   * @param options.path - the config file
   * @param options.target - the config target's name
   * @returns the backups
   * @throws McError: `denied` when the policy does not load; the path rules' errors
   */
  list(options: { path: string; target?: string }): Promise<BackupEntry[]>;
}

/**
 * Builds the backups API of a runtime.
 * @param inputs - state dir and the policy in force
 * @param inputs.stateDir - mc's state directory
 * @param inputs.policy - the policy in force now
 * @returns the backups API
 */
export function createRuntimeBackups(inputs: { stateDir: string; policy: () => LoadedPolicy }): RuntimeBackups {
  return {
    async list(options) {
      const policy = inputs.policy();
      if (!policy.ok) throw new DeniedError("policy_load_error", `Policy load error: ${policy.loadError ?? "the policy does not load"}`);
      return listBackups({ stateDir: inputs.stateDir, configTargets: policy.configTargets, path: options.path, target: options.target });
    },
  };
}
