-- Least-privilege roles for mc's fleet store on PostgreSQL (docs/fleet.md).
--
-- Run once as the database's owner, AFTER the schema exists (run any `mc doctor` with the
-- owner's URL first: mc creates and migrates the schema on first open, which needs the owner).
-- Then give each host a login role named exactly like its MC_HOST_ID, in mc_host, and each
-- operator a login role in mc_operator:
--
--   CREATE ROLE "web-1" LOGIN PASSWORD '…' IN ROLE mc_host;       -- MC_HOST_ID=web-1
--   CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE mc_operator;
--
-- What each may do:
--   hosts      ask for approvals, claim and finish their OWN, expire their own due ones, and
--              append to their OWN audit chain. They never approve or reject, never update or
--              delete an audit event, and see no other host's rows (row-level security).
--   operators  read every host's approvals and journal, approve/reject/expire requests, and
--              record each decision in the chain of the request's host. They cannot claim or
--              run anything (no rights on the executor columns), nor update or delete events.
-- The append-only trigger (migration 0001) refuses UPDATE/DELETE/TRUNCATE of audit_events for
-- every role, the owner included.

CREATE ROLE mc_host NOLOGIN;
CREATE ROLE mc_operator NOLOGIN;

GRANT USAGE ON SCHEMA public TO mc_host, mc_operator;
-- mc checks the schema is current before using it (it never migrates with these roles).
GRANT USAGE ON SCHEMA drizzle TO mc_host, mc_operator;
GRANT SELECT ON drizzle.__drizzle_migrations TO mc_host, mc_operator;

-- Hosts.
GRANT SELECT, INSERT ON approvals TO mc_host;
GRANT UPDATE (status, executor_host, executor_pid, executor_start_time, claimed_at, lease_expires_at, finished_at, error) ON approvals TO mc_host;
GRANT SELECT, INSERT ON audit_events TO mc_host;
GRANT SELECT, INSERT, UPDATE ON audit_head TO mc_host;

-- Operators.
GRANT SELECT ON approvals TO mc_operator;
GRANT UPDATE (status, decided_at, decided_by, decision_note) ON approvals TO mc_operator;
GRANT SELECT, INSERT ON audit_events TO mc_operator;
GRANT SELECT, INSERT, UPDATE ON audit_head TO mc_operator;

-- Row-level security: a host's role reaches only rows of the host named like it. The table
-- owner is exempt (ALTER TABLE … FORCE ROW LEVEL SECURITY would include it).
ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_head ENABLE ROW LEVEL SECURITY;

CREATE POLICY host_own_approvals ON approvals TO mc_host
  USING (host = current_user) WITH CHECK (host = current_user);
CREATE POLICY host_own_events ON audit_events TO mc_host
  USING (host = current_user) WITH CHECK (host = current_user);
CREATE POLICY host_own_head ON audit_head TO mc_host
  USING (host = current_user) WITH CHECK (host = current_user);

CREATE POLICY operator_all_approvals ON approvals TO mc_operator USING (true) WITH CHECK (true);
CREATE POLICY operator_all_events ON audit_events TO mc_operator USING (true) WITH CHECK (true);
CREATE POLICY operator_all_heads ON audit_head TO mc_operator USING (true) WITH CHECK (true);

-- A host may not decide, nor skip a step: a role that is a host and not an operator may only
-- insert pending requests and move its rows along the transitions mc itself makes
-- (pending/approved → expired, approved → executing, executing → completed/failed).
CREATE FUNCTION mc_approvals_host_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_has_role(current_user, 'mc_host', 'MEMBER') OR pg_has_role(current_user, 'mc_operator', 'MEMBER') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'pending' OR NEW.decided_by IS NOT NULL OR NEW.decided_at IS NOT NULL THEN
      RAISE EXCEPTION 'a host role may only ask for approval (a pending request); operators decide'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  ELSIF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN
      (('pending', 'expired'), ('approved', 'expired'), ('approved', 'executing'), ('executing', 'completed'), ('executing', 'failed')) THEN
    RAISE EXCEPTION 'a host role may not move an approval from % to %; operators decide', OLD.status, NEW.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER approvals_host_transitions BEFORE INSERT OR UPDATE ON approvals
  FOR EACH ROW EXECUTE FUNCTION mc_approvals_host_transitions();
