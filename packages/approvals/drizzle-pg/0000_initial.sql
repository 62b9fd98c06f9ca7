CREATE TABLE "approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"tool" text NOT NULL,
	"arguments" text NOT NULL,
	"request_hash" text NOT NULL,
	"requester_caller" text NOT NULL,
	"requester_client" text,
	"status" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"decided_at" bigint,
	"decided_by" text,
	"decision_note" text,
	"executor_host" text,
	"executor_pid" integer,
	"executor_start_time" text,
	"claimed_at" bigint,
	"lease_expires_at" bigint,
	"finished_at" bigint,
	"error" text,
	CONSTRAINT "approvals_status_check" CHECK ("approvals"."status" in ('pending', 'approved', 'rejected', 'expired', 'executing', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"host" text NOT NULL,
	"seq" bigint NOT NULL,
	"time" text NOT NULL,
	"caller" text NOT NULL,
	"client_name" text,
	"tool" text NOT NULL,
	"arguments" text NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"approval_id" text,
	"duration_ms" integer,
	"outcome" text NOT NULL,
	"error" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_pkey" PRIMARY KEY("host","seq")
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"host" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL,
	"last_hash" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "approvals_status_idx" ON "approvals" USING btree ("status","expires_at");--> statement-breakpoint
CREATE INDEX "approvals_host_idx" ON "approvals" USING btree ("host","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_open_request_idx" ON "approvals" USING btree ("host","request_hash") WHERE "approvals"."status" in ('pending', 'approved');--> statement-breakpoint
CREATE INDEX "audit_events_tool_idx" ON "audit_events" USING btree ("tool");--> statement-breakpoint
CREATE INDEX "audit_events_time_idx" ON "audit_events" USING btree ("time");