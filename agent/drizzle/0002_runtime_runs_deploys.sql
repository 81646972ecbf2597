CREATE TABLE `deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`release_id` text NOT NULL,
	`record` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deployments_project_created` ON `deployments` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`version` integer NOT NULL,
	`record` text NOT NULL,
	`artifact_path` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_project_version` ON `releases` (`project_id`,`version`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`record` text NOT NULL,
	`runner` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_project_kind_created` ON `runs` (`project_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE TABLE `runtime_errors` (
	`project_id` text NOT NULL,
	`fingerprint` text NOT NULL,
	`detail` text NOT NULL,
	`count` integer NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	`log_cursor` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `runtime_errors_project_fingerprint` ON `runtime_errors` (`project_id`,`fingerprint`);--> statement-breakpoint
CREATE INDEX `runtime_errors_project_last_seen` ON `runtime_errors` (`project_id`,`last_seen`);--> statement-breakpoint
CREATE TABLE `runtime_logs` (
	`cursor` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`runtime_id` text NOT NULL,
	`at` text NOT NULL,
	`stream` text NOT NULL,
	`level` text,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runtime_logs_project_cursor` ON `runtime_logs` (`project_id`,`cursor`);--> statement-breakpoint
CREATE TABLE `traces` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`record` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `traces_project_created` ON `traces` (`project_id`,`created_at`);