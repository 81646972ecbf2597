/**
 * Self-bootstrapping: the agent's side of a change to ATT's own repository
 * (plan it, follow its pull request, restart on the merged version) and the
 * launcher's records of each restart. The launcher (agent/src/launcher) is
 * the process that is not ATT: it runs releases, switches between them and
 * rolls back; the agent reaches it over a local HTTP API.
 */
import { z } from "zod";
import { Timestamp } from "../models.ts";
import { ProjectPath, ProjectScoped, Sha } from "./common.ts";
import { BranchName, PrProvider, PullRequest } from "./git.ts";

/** The configuration file a repository uses to steer changes to itself. */
export const SELF_CONFIG_FILE = ".att/self.json";

/** Default CI polling: every 10 s, backing off to 60 s, for at most 10 minutes. */
export const CI_POLL_DEFAULTS = { intervalMs: 10_000, maxIntervalMs: 60_000, timeoutMs: 600_000 } as const;

export const CiPolling = z
  .object({
    intervalMs: z.number().int().min(100).max(600_000).default(CI_POLL_DEFAULTS.intervalMs),
    maxIntervalMs: z.number().int().min(100).max(600_000).default(CI_POLL_DEFAULTS.maxIntervalMs),
    timeoutMs: z.number().int().min(1000).max(86_400_000).default(CI_POLL_DEFAULTS.timeoutMs),
  })
  .meta({
    id: "CiPolling",
    description:
      "How the pull request's CI is followed: first interval, backing off to the maximum, until the timeout.",
  });
export type CiPolling = z.infer<typeof CiPolling>;

/** One edit of a change: a file's whole new content (written with `code.write`). */
export const SelfChangeFile = z
  .object({
    path: ProjectPath,
    content: z.string().max(1_000_000).meta({ description: "The whole new text of the file." }),
  })
  .meta({ id: "SelfChangeFile" });
export type SelfChangeFile = z.infer<typeof SelfChangeFile>;

export const SelfPlanParams = ProjectScoped.extend({
  title: z.string().trim().min(1).max(200),
  paths: z.array(ProjectPath).min(1).max(100).meta({ description: "The files the change writes." }),
  provider: PrProvider.optional().meta({
    description: "The change request's provider; wins over `.att/self.json` and the one the origin remote suggests.",
  }),
});

export const RiskReason = z
  .object({ path: z.string(), rule: z.string().meta({ description: "The glob that matched, and where it is set." }) })
  .meta({ id: "RiskReason" });

export const SelfPlanResult = z
  .object({
    base: z.string().meta({ description: "The branch the change merges into (the repository's default)." }),
    branch: BranchName.meta({ description: "The branch the change is made on." }),
    baseSha: Sha,
    testPaths: z.array(z.string()).meta({ description: "What `tests.run` runs before the pull request is opened." }),
    provider: PrProvider,
    highRisk: z.array(RiskReason).meta({ description: "Files that make the change need a human's approval." }),
    launcher: z.boolean().meta({ description: "Whether a launcher runs this ATT, so a restart is possible." }),
  })
  .meta({ id: "SelfPlan" });
export type SelfPlanResult = z.infer<typeof SelfPlanResult>;

export const SelfRestoreParams = ProjectScoped.extend({
  base: BranchName,
  paths: z
    .array(ProjectPath)
    .max(100)
    .meta({ description: "The change's files: uncommitted edits to them are discarded." }),
  provider: PrProvider.meta({
    description: "github: the merge happened there, so the base branch is fast-forwarded from origin.",
  }),
});
export const SelfRestoreResult = z.object({
  branch: z.string(),
  sha: Sha,
  discarded: z.array(z.string()).meta({ description: "Files whose uncommitted edits were thrown away." }),
});

export const SelfPullRequestParams = ProjectScoped.extend({
  provider: PrProvider.optional(),
  number: z.number().int().min(1),
});
export const SelfPullRequestResult = z.object({ pullRequest: PullRequest });

// --- the launcher ---------------------------------------------------------

export const SwitchState = z.enum(["preparing", "switching", "healthy", "rolled_back", "failed"]).meta({
  id: "SwitchState",
  description:
    "preparing: the new release is checked out, its dependencies linked and its UI built while the old one serves; switching: requests are held while the old one stops and the new one starts; " +
    "healthy: the new version answers health with its build (a watchdog restart of a crashed release is recorded the same way, with one commit on both sides); " +
    "rolled_back: the new version started but did not become healthy, the previous one runs again and the change was reverted; " +
    "failed: nothing was reverted: preparing failed and the old version serves on, or the new one could not be started, or neither could.",
});
export type SwitchState = z.infer<typeof SwitchState>;

export const SwitchStep = z.object({
  name: z.string(),
  startedAt: Timestamp,
  durationMs: z.number().int().min(0).nullable(),
  ok: z.boolean().nullable(),
  detail: z.string().optional(),
});

export const SwitchRecord = z
  .object({
    id: z.string(),
    fromSha: Sha.nullable(),
    toSha: Sha,
    state: SwitchState,
    requestedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    reason: z.string().nullable().meta({ description: "Why the new version was refused, with its log's tail." }),
    revertSha: Sha.nullable().meta({ description: "The commit that reverted the failed change on the base branch." }),
    steps: z.array(SwitchStep),
    heldRequests: z.number().int().min(0).meta({ description: "Requests held (not failed) during the switch." }),
    maxHoldMs: z.number().int().min(0),
  })
  .meta({ id: "SwitchRecord" });
export type SwitchRecord = z.infer<typeof SwitchRecord>;

export const LauncherStatus = z
  .object({
    current: z
      .object({ sha: Sha, version: z.string().nullable(), startedAt: Timestamp, port: z.number().int() })
      .nullable(),
    switching: z.boolean(),
    history: z.array(SwitchRecord),
  })
  .meta({ id: "LauncherStatus" });
export type LauncherStatus = z.infer<typeof LauncherStatus>;

/** POST /switch on the launcher's API. */
export const SwitchRequest = z.object({
  sha: Sha,
  reason: z.string().max(500).optional(),
});

export const SelfRestartParams = ProjectScoped.extend({
  sha: Sha.meta({ description: "The merged commit to run." }),
  reason: z.string().max(500).optional(),
});
export const SelfRestartResult = z.object({ switch: SwitchRecord });

export const SelfRestartStatusParams = ProjectScoped.extend({ switchId: z.string().min(1).max(128) });
export const SelfRestartStatusResult = z.object({ switch: SwitchRecord });

export const SELF_METHODS = {
  "self.plan": { params: SelfPlanParams, result: SelfPlanResult },
  "self.pullRequest": { params: SelfPullRequestParams, result: SelfPullRequestResult },
  "self.restore": { params: SelfRestoreParams, result: SelfRestoreResult },
  "self.restart": { params: SelfRestartParams, result: SelfRestartResult },
  "self.restartStatus": { params: SelfRestartStatusParams, result: SelfRestartStatusResult },
} as const;
