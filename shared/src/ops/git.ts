/** Git operations and pull requests (through a provider: GitHub or ATT's local one). */
import { z } from "zod";
import { Timestamp } from "../models.ts";
import { GitRef, ProjectPath, ProjectScoped, Sha } from "./common.ts";

/** Branch names may contain '/', never '..', spaces or a leading '-'. */
export const BranchName = z
  .string()
  .min(1)
  .max(255)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in ref names, so must we
    /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\.lock$)(?!.*\/$)(?!.*\.$)[^\s~^:?*[\\\x00-\x1f\x7f]+$/,
    "must be a valid git branch name (no spaces, '..', '~^:?*[\\', not starting with '-')",
  )
  .meta({ example: "feature/login" });

export const FileChange = z
  .object({
    path: ProjectPath,
    status: z.enum(["added", "modified", "deleted", "renamed", "copied", "type_changed", "untracked", "conflicted"]),
  })
  .meta({ id: "FileChange" });

export const GitStatusParams = ProjectScoped;
export const GitStatusResult = z
  .object({
    branch: z.string().nullable().meta({ description: "null on a detached HEAD." }),
    upstream: z.string().nullable(),
    ahead: z.number().int().min(0),
    behind: z.number().int().min(0),
    staged: z.array(FileChange),
    unstaged: z.array(FileChange),
    untracked: z.array(ProjectPath),
    conflicted: z.array(ProjectPath),
    clean: z.boolean(),
  })
  .meta({ id: "GitStatus" });

export const GitAddParams = ProjectScoped.extend({
  paths: z.array(ProjectPath).min(1).max(1000).meta({ description: "Paths to stage; ['.'] for everything." }),
});
export const GitAddResult = z.object({ staged: z.array(ProjectPath) });

export const Commit = z
  .object({
    sha: Sha,
    message: z.string(),
    author: z.string(),
    email: z.string(),
    date: Timestamp,
  })
  .meta({ id: "Commit" });

export const GitCommitParams = ProjectScoped.extend({
  message: z.string().max(10_000),
  all: z.boolean().default(false).meta({ description: "Stage every tracked change first (git commit -a)." }),
  paths: z.array(ProjectPath).max(1000).optional().meta({ description: "Stage these paths first." }),
  author: z.object({ name: z.string().min(1).max(256), email: z.string().min(3).max(256) }).optional(),
});
export const GitCommitResult = z.object({ commit: Commit, branch: z.string().nullable() });

export const GitPushParams = ProjectScoped.extend({
  remote: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^-\s]/)
    .default("origin"),
  branch: BranchName.optional().meta({ description: "The current branch when omitted." }),
  setUpstream: z.boolean().default(true),
});
export const GitPushResult = z.object({ remote: z.string(), branch: z.string(), attempts: z.number().int().min(1) });

export const Branch = z
  .object({ name: z.string(), current: z.boolean(), sha: z.string(), upstream: z.string().nullable() })
  .meta({ id: "Branch" });

export const GitBranchListParams = ProjectScoped;
export const GitBranchListResult = z.object({ current: z.string().nullable(), branches: z.array(Branch) });

export const GitBranchCreateParams = ProjectScoped.extend({
  name: BranchName,
  from: GitRef.optional().meta({ description: "Start point; HEAD when omitted." }),
  switch: z.boolean().default(true),
});
export const GitBranchCreateResult = z.object({ branch: Branch });

export const GitBranchSwitchParams = ProjectScoped.extend({ name: BranchName });
export const GitBranchSwitchResult = z.object({ branch: Branch });

export const GitLogParams = ProjectScoped.extend({
  ref: GitRef.optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  path: z.string().max(4096).optional(),
});
export const GitLogResult = z.object({ commits: z.array(Commit) });

export const PrProvider = z.enum(["local", "github"]).meta({
  id: "PrProvider",
  description: "github when the project's origin is on GitHub and the agent has GITHUB_TOKEN; otherwise local.",
});
export type PrProvider = z.infer<typeof PrProvider>;

export const CiState = z.enum(["none", "pending", "running", "success", "failure", "error"]).meta({ id: "CiState" });
export type CiState = z.infer<typeof CiState>;

export const PullRequest = z
  .object({
    number: z.number().int().min(1),
    provider: PrProvider,
    title: z.string(),
    body: z.string(),
    head: z.string(),
    base: z.string(),
    state: z.enum(["open", "closed", "merged"]),
    url: z.string().nullable(),
    headSha: z.string().nullable(),
    mergeCommit: z.string().nullable(),
    ci: CiState,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "PullRequest" });
export type PullRequest = z.infer<typeof PullRequest>;

const ProviderChoice = { provider: PrProvider.optional().meta({ description: "Override the automatic choice." }) };

export const GitPrCreateParams = ProjectScoped.extend({
  ...ProviderChoice,
  title: z.string().min(1).max(256),
  body: z.string().max(65_536).default(""),
  head: BranchName.optional().meta({ description: "The current branch when omitted." }),
  base: BranchName.optional().meta({ description: "The default branch (main/master) when omitted." }),
});
export const GitPrCreateResult = z.object({ pullRequest: PullRequest });

export const GitPrListParams = ProjectScoped.extend({
  ...ProviderChoice,
  state: z.enum(["open", "closed", "merged", "all"]).default("open"),
});
export const GitPrListResult = z.object({ pullRequests: z.array(PullRequest) });

export const GitPrMergeParams = ProjectScoped.extend({
  ...ProviderChoice,
  number: z.number().int().min(1),
  method: z.enum(["merge", "squash", "rebase"]).default("merge"),
  message: z.string().max(10_000).optional(),
});
export const GitPrMergeResult = z.object({ pullRequest: PullRequest });

export const ReviewComment = z
  .object({
    id: z.string(),
    author: z.string(),
    body: z.string(),
    state: z.enum(["commented", "approved", "changes_requested"]),
    path: z.string().nullable(),
    line: z.number().int().min(1).nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "ReviewComment" });
export type ReviewComment = z.infer<typeof ReviewComment>;

export const GitPrReviewsParams = ProjectScoped.extend({ ...ProviderChoice, number: z.number().int().min(1) });
export const GitPrReviewsResult = z.object({ reviews: z.array(ReviewComment) });

export const GitPrReviewParams = ProjectScoped.extend({
  ...ProviderChoice,
  number: z.number().int().min(1),
  event: z.enum(["comment", "approve", "request_changes"]).default("comment"),
  body: z.string().min(1).max(65_536),
  path: ProjectPath.optional().meta({ description: "Comment on this file (with `line`)." }),
  line: z.number().int().min(1).optional(),
});
export const GitPrReviewResult = z.object({ review: ReviewComment });

export const WorkflowRun = z
  .object({
    id: z.string(),
    name: z.string(),
    branch: z.string().nullable(),
    headSha: z.string().nullable(),
    status: z.enum(["queued", "in_progress", "completed"]),
    conclusion: z.enum(["success", "failure", "cancelled", "skipped", "timed_out", "neutral"]).nullable(),
    url: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "WorkflowRun" });
export type WorkflowRun = z.infer<typeof WorkflowRun>;

export const GitActionsParams = ProjectScoped.extend({
  ...ProviderChoice,
  branch: z.string().max(255).optional(),
  number: z.number().int().min(1).optional().meta({ description: "Runs of this pull request's head." }),
  limit: z.number().int().min(1).max(100).default(20),
});
export const GitActionsResult = z.object({ runs: z.array(WorkflowRun) });

export const GitActionsLogParams = ProjectScoped.extend({ ...ProviderChoice, runId: z.string().min(1).max(128) });
export const GitActionsLogResult = z.object({
  run: WorkflowRun,
  log: z.string(),
  truncated: z.boolean(),
});

export const GIT_METHODS = {
  "git.status": { params: GitStatusParams, result: GitStatusResult },
  "git.add": { params: GitAddParams, result: GitAddResult },
  "git.commit": { params: GitCommitParams, result: GitCommitResult },
  "git.push": { params: GitPushParams, result: GitPushResult },
  "git.branch.list": { params: GitBranchListParams, result: GitBranchListResult },
  "git.branch.create": { params: GitBranchCreateParams, result: GitBranchCreateResult },
  "git.branch.switch": { params: GitBranchSwitchParams, result: GitBranchSwitchResult },
  "git.log": { params: GitLogParams, result: GitLogResult },
  "git.pr.create": { params: GitPrCreateParams, result: GitPrCreateResult },
  "git.pr.list": { params: GitPrListParams, result: GitPrListResult },
  "git.pr.merge": { params: GitPrMergeParams, result: GitPrMergeResult },
  "git.pr.reviews": { params: GitPrReviewsParams, result: GitPrReviewsResult },
  "git.pr.review": { params: GitPrReviewParams, result: GitPrReviewResult },
  "git.actions": { params: GitActionsParams, result: GitActionsResult },
  "git.actions.log": { params: GitActionsLogParams, result: GitActionsLogResult },
} as const;
