DROP INDEX `approvals_open_request_idx`;--> statement-breakpoint
ALTER TABLE `approvals` ADD `host` text;--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_open_request_idx` ON `approvals` (`host`,`request_hash`) WHERE "approvals"."status" in ('pending', 'approved');--> statement-breakpoint
ALTER TABLE `audit_events` ADD `host` text;