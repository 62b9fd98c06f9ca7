-- The journal is append-only for every role, the table owner included: an UPDATE, DELETE or
-- TRUNCATE of audit_events fails. (Grants already keep host and operator roles from them;
-- this holds even for a role that was granted too much. A superuser can still disable the
-- trigger; the hash chain and the head then show what changed.)
CREATE FUNCTION "mc_audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "mc_audit_events_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "mc_audit_events_append_only"();
