/** What a pull-request provider does; the operations pick one per call (see choose.ts). */
import type { ParsedParams, PullRequest, ReviewComment, WorkflowRun } from "@att/shared";

/** A method's params without the routing fields the operation layer has already used. */
type Input<M extends "git.pr.create" | "git.pr.list" | "git.pr.merge" | "git.pr.review" | "git.actions"> = Omit<
  ParsedParams<M>,
  "projectId" | "provider"
>;

export type CreateInput = Input<"git.pr.create">;
export type ListInput = Input<"git.pr.list">;
export type MergeInput = Input<"git.pr.merge">;
export type ReviewInput = Input<"git.pr.review">;
export type RunsInput = Input<"git.actions">;

export interface RunLog {
  run: WorkflowRun;
  log: string;
  truncated: boolean;
}

export interface Created {
  pullRequest: PullRequest;
  /** Starts the checks (local CI); called once the creation has been announced, so events stay in order. */
  startChecks?: () => void;
}

export interface PrProvider {
  create(input: CreateInput): Promise<Created>;
  list(input: ListInput): Promise<PullRequest[]>;
  merge(input: MergeInput): Promise<PullRequest>;
  listReviews(number: number): Promise<ReviewComment[]>;
  review(input: ReviewInput): Promise<ReviewComment>;
  listRuns(input: RunsInput): Promise<WorkflowRun[]>;
  runLog(runId: string): Promise<RunLog>;
}

/** Most log text returned for one run (the tail for local runs, the head of GitHub's archive). */
export const MAX_LOG_BYTES = 256 * 1024;
