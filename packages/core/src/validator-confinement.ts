import { type CommandRunner, TIMEOUTS } from "./command-runner.js";

/**
 * How command validators run on this host (as the runner's prefix sees it):
 * - `confined`: the runner acts as root; each validator starts in fresh network, IPC, UTS, mount
 *   and PID namespaces (`unshare`), as uid/gid 65534 with no supplementary groups, no
 *   capabilities and no_new_privs (`setpriv`).
 * - `unprivileged`: the runner is not root, so validators already run unprivileged; no_new_privs
 *   is added when `setpriv` exists. No network isolation (that needs root).
 * - `unconfined`: the runner is root and `unshare`/`setpriv` cannot confine a child. Validators
 *   may only see content a human approved.
 */
export type ValidatorConfinementMode = "confined" | "unprivileged" | "unconfined";

/** The uid and gid a confined validator runs as: `nobody`/`nogroup` on Debian and most others. */
export const CONFINED_VALIDATOR_ID = 65534;

/** What the probe found: the mode, and the argv to put before a validator's own. */
export interface ValidatorConfinement {
  /** See {@link ValidatorConfinementMode}. */
  mode: ValidatorConfinementMode;
  /** Whether a command validator may be given content no human approved (every mode but `unconfined`). */
  unapprovedContentAllowed: boolean;
  /** The uid the validator runs as (what `id -u` printed under the wrapper); null when unknown. */
  uid: number | null;
  /** Put before the validator's program and arguments (after the runner's own prefix). */
  wrapper: readonly string[];
  /** One line for people (`mc doctor`). */
  description: string;
}

/**
 * The confinement argv for a root runner. `unshare` (as root) makes the namespaces, then
 * `setpriv` drops to 65534 for good: no groups, no capabilities in any set, no_new_privs, so a
 * set-uid program the validator might start cannot regain root. `--fork --kill-child
 * --mount-proc` gives it a PID namespace of its own (it cannot see or signal other processes of
 * uid 65534) that dies with it.
 * @returns the wrapper argv, ending in `--`
 */
export function confinedValidatorWrapper(): string[] {
  const id = String(CONFINED_VALIDATOR_ID);
  return [
    "unshare",
    "--net",
    "--ipc",
    "--uts",
    "--mount",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
    "--",
    "setpriv",
    `--reuid=${id}`,
    `--regid=${id}`,
    "--clear-groups",
    "--no-new-privs",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--",
  ];
}

/** no_new_privs only: for a runner that is already unprivileged. */
const NO_NEW_PRIVS_WRAPPER = ["setpriv", "--no-new-privs", "--"] as const;

const probes = new WeakMap<CommandRunner, Promise<ValidatorConfinement>>();

/** Runs `wrapper… id -u`; the uid it printed, or null when it failed in any way. */
async function uidUnder(runner: CommandRunner, wrapper: readonly string[]): Promise<number | null> {
  const [file = "id", ...args] = [...wrapper, "id", "-u"];
  try {
    const result = await runner.run(file, args, { timeoutMs: TIMEOUTS.query });
    const text = result.stdout.trim();
    return result.exitCode === 0 && /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

async function probe(runner: CommandRunner): Promise<ValidatorConfinement> {
  const plainUid = await uidUnder(runner, []);
  if (plainUid === null) {
    // Cannot tell who validators would run as: assume root, fail closed.
    return {
      mode: "unconfined",
      unapprovedContentAllowed: false,
      uid: null,
      wrapper: [],
      description: "unconfined (`id -u` could not run to tell who validators run as)",
    };
  }
  if (plainUid !== 0) {
    const withSetpriv = await uidUnder(runner, NO_NEW_PRIVS_WRAPPER);
    if (withSetpriv === plainUid) {
      return {
        mode: "unprivileged",
        unapprovedContentAllowed: true,
        uid: plainUid,
        wrapper: [...NO_NEW_PRIVS_WRAPPER],
        description: `unprivileged (uid ${plainUid}, no_new_privs; network not isolated)`,
      };
    }
    return {
      mode: "unprivileged",
      unapprovedContentAllowed: true,
      uid: plainUid,
      wrapper: [],
      description: `unprivileged (uid ${plainUid}; no setpriv, so no no_new_privs; network not isolated)`,
    };
  }
  const wrapper = confinedValidatorWrapper();
  const confinedUid = await uidUnder(runner, wrapper);
  if (confinedUid === CONFINED_VALIDATOR_ID) {
    return {
      mode: "confined",
      unapprovedContentAllowed: true,
      uid: confinedUid,
      wrapper,
      description: `confined (setpriv as uid ${CONFINED_VALIDATOR_ID}, no capabilities, no_new_privs; unshare: no network, own PID/IPC/UTS/mount namespaces)`,
    };
  }
  return {
    mode: "unconfined",
    unapprovedContentAllowed: false,
    uid: 0,
    wrapper: [],
    description: "unconfined (root, and `unshare … setpriv` cannot confine a child here): dry runs and pre-checks of command-validated targets need approval",
  };
}

/**
 * Finds out, once per runner, how command validators can run: probes through the runner (so
 * behind a container prefix it probes inside the container) and caches the answer for the
 * life of the process. Never throws; anything unexpected counts as `unconfined`.
 * @param runner - the runner validators will run through
 * @returns the confinement mode and wrapper argv
 */
export function validatorConfinement(runner: CommandRunner): Promise<ValidatorConfinement> {
  let found = probes.get(runner);
  if (found === undefined) {
    found = probe(runner);
    probes.set(runner, found);
  }
  return found;
}
