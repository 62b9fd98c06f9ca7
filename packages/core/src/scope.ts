/** The systemd managers mc talks to: `system` (the system manager) or `user` (`systemctl --user`). */
export const SCOPES = ["system", "user"] as const;

/** Which systemd manager (and journal) a command talks to. */
export type Scope = (typeof SCOPES)[number];
