CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`tool` text NOT NULL,
	`arguments` text NOT NULL,
	`request_hash` text NOT NULL,
	`requester_caller` text NOT NULL,
	`requester_client` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`decision_note` text,
	`executor_host` text,
	`executor_pid` integer,
	`executor_start_time` text,
	`claimed_at` integer,
	`lease_expires_at` integer,
	`finished_at` integer,
	`error` text,
	CONSTRAINT "approvals_status_check" CHECK("approvals"."status" in ('pending', 'approved', 'rejected', 'expired', 'executing', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `approvals_status_idx` ON `approvals` (`status`,`expires_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_open_request_idx` ON `approvals` (`request_hash`) WHERE "approvals"."status" in ('pending', 'approved');--> statement-breakpoint
CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`time` text NOT NULL,
	`caller` text NOT NULL,
	`client_name` text,
	`tool` text NOT NULL,
	`arguments` text NOT NULL,
	`decision` text NOT NULL,
	`reason` text,
	`approval_id` text,
	`duration_ms` integer,
	`outcome` text NOT NULL,
	`error` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_tool_idx` ON `audit_events` (`tool`);--> statement-breakpoint
CREATE INDEX `audit_events_time_idx` ON `audit_events` (`time`);--> statement-breakpoint
CREATE TABLE `audit_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`last_hash` text NOT NULL,
	CONSTRAINT "audit_head_single_row" CHECK("audit_head"."id" = 1)
);
