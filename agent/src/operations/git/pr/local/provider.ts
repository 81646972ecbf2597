/** The local provider: a pull request is a branch pair plus a record in the agent's database. */
import type { PullRequest, ReviewComment, WorkflowRun } from "@att/shared";
import type { OperationContext } from "../../../context.ts";
import { OperationError } from "../../../errors.ts";
import { branchSha, currentBranch, defaultBranch, gitRaw } from "../git.ts";
import { serialized } from "../lock.ts";
import type {
  Created,
  CreateInput,
  ListInput,
  MergeInput,
  PrProvider,
  ReviewInput,
  RunLog,
  RunsInput,
} from "../provider.ts";
import { liveLog, startCiRun } from "./ci.ts";
import { planCi } from "./ci-plan.ts";
import { mergeBranches } from "./merge.ts";
import { LocalStore, toWorkflowRun } from "./store.ts";

const REVIEW_STATE = { comment: "commented", approve: "approved", request_changes: "changes_requested" } as const;

export class LocalProvider implements PrProvider {
  readonly #context: OperationContext;
  readonly #projectId: string;
  readonly #repo: string;
  readonly #store: LocalStore;

  constructor(options: { context: OperationContext; projectId: string; repo: string }) {
    this.#context = options.context;
    this.#projectId = options.projectId;
    this.#repo = options.repo;
    this.#store = new LocalStore(options.context.db, options.projectId);
  }

  async create(input: CreateInput): Promise<Created> {
    const head = input.head ?? (await currentBranch(this.#repo));
    if (head === null) throw new OperationError("bad_request", "HEAD is detached: name the head branch");
    const base = input.base ?? (await defaultBranch(this.#repo));
    if (base === null)
      throw new OperationError("precondition_failed", "no main or master branch: name the base branch");
    if (head === base) throw new OperationError("bad_request", `head and base are both '${head}'`);
    const headSha = await branchSha(this.#repo, head);
    if (headSha === null) throw new OperationError("not_found", `branch '${head}' does not exist`);
    if ((await branchSha(this.#repo, base)) === null)
      throw new OperationError("not_found", `branch '${base}' does not exist`);
    const row = this.#store.insertPr({ title: input.title, body: input.body, head, base, headSha });
    const plan = await planCi(this.#repo, headSha);
    if (plan === null) return { pullRequest: this.#store.toPullRequest(row) };
    const run = this.#store.insertRun({ prNumber: row.number, name: plan.name, branch: head, headSha });
    const job = {
      context: this.#context,
      store: this.#store,
      repo: this.#repo,
      projectId: this.#projectId,
      prNumber: row.number,
      run: toWorkflowRun(run),
      plan,
    };
    return { pullRequest: this.#store.toPullRequest(row), startChecks: () => startCiRun(job) };
  }

  async list(input: ListInput): Promise<PullRequest[]> {
    return this.#store.listPrs(input.state).map((row) => this.#store.toPullRequest(row));
  }

  async merge(input: MergeInput): Promise<PullRequest> {
    return serialized(this.#repo, async () => {
      const pr = this.#store.getPr(input.number);
      if (pr.state !== "open") throw new OperationError("conflict", `pull request #${pr.number} is ${pr.state}`);
      const message =
        input.message ??
        (input.method === "squash"
          ? `${pr.title} (#${pr.number})${pr.body === "" ? "" : `\n\n${pr.body}`}`
          : `Merge pull request #${pr.number} from ${pr.head}\n\n${pr.title}`);
      const merged = await mergeBranches({
        repo: this.#repo,
        head: pr.head,
        base: pr.base,
        method: input.method,
        message,
      });
      return this.#store.toPullRequest(this.#store.markMerged(pr.number, merged));
    });
  }

  async listReviews(number: number): Promise<ReviewComment[]> {
    this.#store.getPr(number);
    return this.#store.listReviews(number);
  }

  async review(input: ReviewInput): Promise<ReviewComment> {
    const pr = this.#store.getPr(input.number);
    if (input.line !== undefined && input.path === undefined) {
      throw new OperationError("bad_request", "a review comment with a line needs a path");
    }
    if (input.path !== undefined) {
      const at = (await branchSha(this.#repo, pr.head)) ?? pr.headSha ?? pr.head;
      if ((await gitRaw(this.#repo, ["cat-file", "-e", `${at}:${input.path}`])).exitCode !== 0) {
        throw new OperationError("bad_request", `'${input.path}' is not in the pull request's head`);
      }
    }
    return this.#store.addReview({
      prNumber: pr.number,
      author: "att",
      body: input.body,
      state: REVIEW_STATE[input.event],
      path: input.path ?? null,
      line: input.line ?? null,
    });
  }

  async listRuns(input: RunsInput): Promise<WorkflowRun[]> {
    if (input.number !== undefined) this.#store.getPr(input.number);
    const filter = { prNumber: input.number, branch: input.branch, limit: input.limit };
    return this.#store.listRuns(filter).map(toWorkflowRun);
  }

  async runLog(runId: string): Promise<RunLog> {
    // Live output first: a run that ends in between has already stored its full log.
    const live = liveLog(runId);
    const row = this.#store.getRun(runId);
    return { run: toWorkflowRun(row), log: live?.log ?? row.log, truncated: live?.truncated ?? row.truncated };
  }
}
