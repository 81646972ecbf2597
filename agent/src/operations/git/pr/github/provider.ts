/** The GitHub provider: pull requests, reviews and Actions runs through GitHub's REST API. */
import type { CiState, PullRequest, ReviewComment, WorkflowRun } from "@att/shared";
import { Octokit } from "@octokit/rest";
import { log } from "../../../../log.ts";
import { OperationError } from "../../../errors.ts";
import { currentBranch } from "../git.ts";
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
import { MAX_LOG_BYTES } from "../provider.ts";
import { statusOf, toOperationError } from "./errors.ts";
import { readLogArchive } from "./log-archive.ts";
import { ciOf, type GhPull, toLineComment, toPullRequest, toReview, toWorkflowRun } from "./map.ts";
import type { GitHubRepo } from "./remote.ts";

const REQUEST_TIMEOUT_MS = 60_000;
const PAGE = 100;
const REVIEW_EVENT = { comment: "COMMENT", approve: "APPROVE", request_changes: "REQUEST_CHANGES" } as const;

export class GitHubProvider implements PrProvider {
  readonly #octokit: Octokit;
  readonly #where: GitHubRepo;
  readonly #repoDir: string;

  constructor(options: { token: string; apiUrl: string; where: GitHubRepo; repoDir: string }) {
    this.#where = options.where;
    this.#repoDir = options.repoDir;
    this.#octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiUrl.replace(/\/+$/, ""),
      userAgent: "att-agent",
      request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => log("warn", "github", { message }),
        // A failed request reaches the caller as an OperationError; the library's own line is detail.
        error: (message: string) => log("debug", "github", { message }),
      },
    });
  }

  async create(input: CreateInput): Promise<Created> {
    const head = input.head ?? (await currentBranch(this.#repoDir));
    if (head === null) throw new OperationError("bad_request", "HEAD is detached: name the head branch");
    const base = input.base ?? (await this.#call((gh) => gh.rest.repos.get(this.#repo()))).data.default_branch;
    if (head === base) throw new OperationError("bad_request", `head and base are both '${head}'`);
    const { data } = await this.#call((gh) =>
      gh.rest.pulls.create({ ...this.#repo(), title: input.title, body: input.body, head, base }),
    );
    const ci = await this.#ciByCommit({ headSha: data.head.sha, afterWrite: true });
    return { pullRequest: toPullRequest(data, ci.get(data.head.sha) ?? "none") };
  }

  async list(input: ListInput): Promise<PullRequest[]> {
    const state = input.state === "open" ? "open" : input.state === "all" ? "all" : "closed";
    const { data } = await this.#call((gh) =>
      gh.rest.pulls.list({ ...this.#repo(), state, per_page: PAGE, sort: "created", direction: "desc" }),
    );
    const pulls: GhPull[] = data.filter((pull) => {
      if (input.state === "merged") return pull.merged_at !== null;
      if (input.state === "closed") return pull.merged_at === null;
      return true;
    });
    const ci = pulls.length === 0 ? new Map<string, CiState>() : await this.#ciByCommit({});
    return pulls.map((pull) => toPullRequest(pull, ci.get(pull.head.sha) ?? "none"));
  }

  async merge(input: MergeInput): Promise<PullRequest> {
    const pull_number = input.number;
    await this.#call(
      (gh) =>
        gh.rest.pulls.merge({
          ...this.#repo(),
          pull_number,
          merge_method: input.method,
          ...(input.message === undefined ? {} : { commit_message: input.message }),
        }),
      { notMergeable: true },
    );
    const { data } = await this.#call((gh) => gh.rest.pulls.get({ ...this.#repo(), pull_number }));
    const ci = await this.#ciByCommit({ headSha: data.head.sha, afterWrite: true });
    return toPullRequest(data, ci.get(data.head.sha) ?? "none");
  }

  async listReviews(number: number): Promise<ReviewComment[]> {
    const where = { ...this.#repo(), pull_number: number, per_page: PAGE };
    const [reviews, comments] = await Promise.all([
      this.#call((gh) => gh.rest.pulls.listReviews(where)),
      this.#call((gh) => gh.rest.pulls.listReviewComments(where)),
    ]);
    // A review that only carries line comments has an empty body: its comments stand for it.
    const summaries = reviews.data.filter((review) => review.body !== "" || review.state !== "COMMENTED").map(toReview);
    return [...summaries, ...comments.data.map(toLineComment)].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async review(input: ReviewInput): Promise<ReviewComment> {
    if ((input.path === undefined) !== (input.line === undefined)) {
      throw new OperationError("bad_request", "a GitHub line comment needs both path and line");
    }
    const onLine = input.path !== undefined && input.line !== undefined;
    const { data } = await this.#call((gh) =>
      gh.rest.pulls.createReview({
        ...this.#repo(),
        pull_number: input.number,
        event: REVIEW_EVENT[input.event],
        ...(onLine ? {} : { body: input.body }),
        ...(onLine && input.event !== "comment" ? { body: input.body } : {}),
        ...(onLine ? { comments: [{ path: input.path ?? "", line: input.line, body: input.body }] } : {}),
      }),
    );
    return { ...toReview({ ...data, body: input.body }), path: input.path ?? null, line: input.line ?? null };
  }

  async listRuns(input: RunsInput): Promise<WorkflowRun[]> {
    const headSha =
      input.number === undefined
        ? undefined
        : (await this.#call((gh) => gh.rest.pulls.get({ ...this.#repo(), pull_number: input.number ?? 0 }))).data.head
            .sha;
    const { data } = await this.#call((gh) =>
      gh.rest.actions.listWorkflowRunsForRepo({
        ...this.#repo(),
        per_page: input.limit,
        ...(input.branch === undefined ? {} : { branch: input.branch }),
        ...(headSha === undefined ? {} : { head_sha: headSha }),
      }),
    );
    return data.workflow_runs.map(toWorkflowRun);
  }

  async runLog(runId: string): Promise<RunLog> {
    if (!/^\d{1,20}$/.test(runId)) throw new OperationError("bad_request", "a GitHub run id is a number");
    const run_id = Number(runId);
    const run = toWorkflowRun(
      (await this.#call((gh) => gh.rest.actions.getWorkflowRun({ ...this.#repo(), run_id }))).data,
    );
    // GitHub keeps logs only for finished runs; its answer is a redirect to a zip, which fetch follows.
    if (run.status !== "completed") return { run, log: "", truncated: false };
    const { data } = await this.#call((gh) => gh.rest.actions.downloadWorkflowRunLogs({ ...this.#repo(), run_id }));
    const zip = toBuffer(data);
    if (zip === null) throw new OperationError("upstream_error", "GitHub's log archive did not arrive as a file");
    const archive = await readLogArchive(zip, MAX_LOG_BYTES).catch((error: unknown) => {
      throw new OperationError("upstream_error", `GitHub's log archive is unreadable: ${String(error)}`);
    });
    return { run, log: archive.text, truncated: archive.truncated };
  }

  /**
   * CI state per head commit from recent workflow runs. Actions turned off or not readable with this
   * token (403/404) means "none". An outage is not an answer: it fails a listing (a CI poll must not
   * read it as "no CI" and give up), but not a create or merge, which has happened either way.
   */
  async #ciByCommit(options: { headSha?: string; afterWrite?: boolean }): Promise<Map<string, CiState>> {
    const { headSha, afterWrite = false } = options;
    const byCommit = new Map<string, WorkflowRun[]>();
    try {
      const { data } = await this.#octokit.rest.actions.listWorkflowRunsForRepo({
        ...this.#repo(),
        per_page: PAGE,
        ...(headSha === undefined ? {} : { head_sha: headSha }),
      });
      for (const run of data.workflow_runs.map(toWorkflowRun)) {
        if (run.headSha !== null) byCommit.set(run.headSha, [...(byCommit.get(run.headSha) ?? []), run]);
      }
    } catch (error) {
      const status = statusOf(error);
      if (!afterWrite && status !== 403 && status !== 404) throw toOperationError(error, this.#where);
      log("debug", "no Actions runs for CI state", { error: error instanceof Error ? error.message : String(error) });
    }
    return new Map([...byCommit].map(([sha, runs]) => [sha, ciOf(runs)]));
  }

  async #call<T>(request: (octokit: Octokit) => Promise<T>, options: { notMergeable?: boolean } = {}): Promise<T> {
    try {
      return await request(this.#octokit);
    } catch (error) {
      const conflict = (status: number) =>
        new OperationError("conflict", `GitHub: ${error instanceof Error ? error.message : "not mergeable"}`, {
          status,
        });
      throw toOperationError(
        error,
        this.#where,
        options.notMergeable ? { 405: conflict(405), 409: conflict(409) } : {},
      );
    }
  }

  #repo(): { owner: string; repo: string } {
    return { owner: this.#where.owner, repo: this.#where.repo };
  }
}

function toBuffer(data: unknown): Buffer | null {
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data);
  return null;
}
