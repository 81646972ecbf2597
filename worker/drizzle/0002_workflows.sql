CREATE TABLE `wakeups` (
	`key` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `workflow_steps` (
	`workflow_id` text NOT NULL,
	`step_id` text NOT NULL,
	`position` integer NOT NULL,
	`status` text NOT NULL,
	`attempt` integer NOT NULL,
	`started_at` text,
	`finished_at` text,
	`next_at` integer,
	`deadline_at` integer,
	`result` text,
	`error` text,
	PRIMARY KEY(`workflow_id`, `step_id`)
);
--> statement-breakpoint
CREATE TABLE `workflows` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`definition` text NOT NULL,
	`input` text NOT NULL,
	`status` text NOT NULL,
	`concurrency_key` text,
	`actor` text NOT NULL,
	`created_at` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	`deadline_at` integer,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `workflows_project_created` ON `workflows` (`project_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `workflows_status` ON `workflows` (`status`);