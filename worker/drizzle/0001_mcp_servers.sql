CREATE TABLE `mcp_servers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`headers` text NOT NULL,
	`created_at` text NOT NULL,
	`status` text NOT NULL,
	`last_checked_at` text,
	`latency_ms` integer,
	`error` text,
	`server_name` text,
	`server_version` text,
	`protocol_version` text,
	`tools` text NOT NULL,
	`resources_count` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mcp_servers_name_unique` ON `mcp_servers` (lower("name"));