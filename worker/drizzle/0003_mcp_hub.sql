ALTER TABLE `mcp_servers` ADD `transport` text DEFAULT 'streamable-http' NOT NULL;--> statement-breakpoint
ALTER TABLE `mcp_servers` ADD `command` text;--> statement-breakpoint
ALTER TABLE `mcp_servers` ADD `args` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `mcp_servers` ADD `env` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `mcp_servers` ADD `capabilities` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `mcp_servers` ADD `consecutive_failures` integer DEFAULT 0 NOT NULL;