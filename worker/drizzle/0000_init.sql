CREATE TABLE `agent_link` (
	`slot` integer PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`capabilities` text NOT NULL,
	`connected_at` text NOT NULL,
	`disconnected_at` text
);
--> statement-breakpoint
CREATE TABLE `events` (
	`project_id` text NOT NULL,
	`seq` integer NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`actor` text NOT NULL,
	`timestamp` text NOT NULL,
	PRIMARY KEY(`project_id`, `seq`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_project_type_seq` ON `events` (`project_id`,`type`,`seq`);--> statement-breakpoint
CREATE INDEX `events_project_time` ON `events` (`project_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`git_remote` text,
	`nat_config_path` text,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
