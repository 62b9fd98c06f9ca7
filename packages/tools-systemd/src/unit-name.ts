import { hasUnitSuffix, SCOPES, UNIT_NAME_MAX_LENGTH, UNIT_NAME_PATTERN, UNIT_SUFFIXES } from "@mc/core";
import * as v from "valibot";

// The unit-name rules and the scopes are facts of @mc/core (the policy checks service patterns
// against the same rules); this file turns them into the tools' argument schemas.

/** valibot schema of a unit name, e.g. `nginx.service`. Checked before any process starts. */
export const unitNameSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(UNIT_NAME_MAX_LENGTH, `must be at most ${UNIT_NAME_MAX_LENGTH} characters`),
  v.regex(UNIT_NAME_PATTERN, "may contain only ASCII letters, digits and @ _ . : - (not first)"),
  v.check(hasUnitSuffix, `must end in a unit type: ${UNIT_SUFFIXES.join(" ")}`),
  v.description(`A systemd unit name with its type suffix, e.g. nginx.service (${UNIT_SUFFIXES.join(", ")}).`),
);

/** valibot schema of a scope: `system` (default) or `user` (`systemctl --user`). */
export const scopeSchema = v.optional(
  v.pipe(
    v.picklist(SCOPES, 'must be "system" or "user"'),
    v.description("system: the system manager (default); user: the calling user's manager (systemctl --user)."),
  ),
  "system",
);
