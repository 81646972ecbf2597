CREATE TABLE `ci_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`pr_number` integer,
	`name` text NOT NULL,
	`branch` text,
	`head_sha` text,
	`status` text NOT NULL,
	`conclusion` text,
	`exit_code` integer,
	`log` text DEFAULT '' NOT NULL,
	`truncated` integer DEFAULT false NOT NULL,
	`runner` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ci_runs_project_created` ON `ci_runs` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `pr_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`pr_number` integer NOT NULL,
	`author` text NOT NULL,
	`body` text NOT NULL,
	`state` text NOT NULL,
	`path` text,
	`line` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pr_reviews_project_pr` ON `pr_reviews` (`project_id`,`pr_number`);--> statement-breakpoint
CREATE TABLE `pull_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`head` text NOT NULL,
	`base` text NOT NULL,
	`state` text NOT NULL,
	`head_sha` text,
	`merge_commit` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pull_requests_project_number` ON `pull_requests` (`project_id`,`number`);