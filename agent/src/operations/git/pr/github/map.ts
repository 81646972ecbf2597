/** GitHub's REST shapes → ATT's protocol shapes. */
import type { CiState, PullRequest, ReviewComment, WorkflowRun } from "@att/shared";

export interface GhPull {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  merged_at: string | null;
  merge_commit_sha?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  created_at: string;
  updated_at: string;
}

export interface GhRun {
  id: number;
  name?: string | null;
  display_title?: string;
  head_branch: string | null;
  head_sha: string;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface GhReview {
  id: number;
  user: { login: string } | null;
  body: string;
  state: string;
  submitted_at?: string;
}

export interface GhReviewComment {
  id: number;
  user: { login: string } | null;
  body: string;
  path: string;
  line?: number | null;
  original_line?: number | null;
  created_at: string;
}

export function toPullRequest(pull: GhPull, ci: CiState): PullRequest {
  const merged = pull.merged_at !== null;
  return {
    number: pull.number,
    provider: "github",
    title: pull.title,
    body: pull.body ?? "",
    head: pull.head.ref,
    base: pull.base.ref,
    state: merged ? "merged" : pull.state === "open" ? "open" : "closed",
    url: pull.html_url,
    headSha: pull.head.sha,
    mergeCommit: merged ? (pull.merge_commit_sha ?? null) : null,
    ci,
    createdAt: pull.created_at,
    updatedAt: pull.updated_at,
  };
}

const RUN_STATUS: Record<string, WorkflowRun["status"]> = { in_progress: "in_progress", completed: "completed" };
const CONCLUSION: Record<string, WorkflowRun["conclusion"]> = {
  success: "success",
  failure: "failure",
  startup_failure: "failure",
  cancelled: "cancelled",
  stale: "cancelled",
  skipped: "skipped",
  timed_out: "timed_out",
  neutral: "neutral",
};

export function toWorkflowRun(run: GhRun): WorkflowRun {
  return {
    id: String(run.id),
    name: run.name ?? run.display_title ?? "workflow",
    branch: run.head_branch,
    headSha: run.head_sha,
    // GitHub's waiting/requested/pending are all "not started yet".
    status: RUN_STATUS[run.status ?? ""] ?? "queued",
    conclusion: CONCLUSION[run.conclusion ?? ""] ?? null,
    url: run.html_url,
    createdAt: run.created_at,
    updatedAt: run.updated_at,
  };
}

/** A commit's CI state from all its workflow runs: unfinished wins, then any failure, then any cancel. */
export function ciOf(runs: readonly WorkflowRun[]): CiState {
  if (runs.length === 0) return "none";
  const unfinished = runs.filter((run) => run.status !== "completed");
  if (unfinished.length > 0) return unfinished.every((run) => run.status === "queued") ? "pending" : "running";
  if (runs.some((run) => run.conclusion === "failure" || run.conclusion === "timed_out")) return "failure";
  if (runs.some((run) => run.conclusion === "cancelled")) return "error";
  return "success";
}

const REVIEW_STATE: Record<string, ReviewComment["state"]> = {
  APPROVED: "approved",
  CHANGES_REQUESTED: "changes_requested",
};

export function toReview(review: GhReview): ReviewComment {
  return {
    id: `review-${review.id}`,
    author: review.user?.login ?? "ghost",
    body: review.body,
    state: REVIEW_STATE[review.state] ?? "commented",
    path: null,
    line: null,
    createdAt: review.submitted_at ?? new Date(0).toISOString(),
  };
}

export function toLineComment(comment: GhReviewComment): ReviewComment {
  const line = comment.line ?? comment.original_line ?? null;
  return {
    id: `comment-${comment.id}`,
    author: comment.user?.login ?? "ghost",
    body: comment.body,
    state: "commented",
    path: comment.path,
    line: line !== null && line >= 1 ? line : null,
    createdAt: comment.created_at,
  };
}
