/** The local provider's records: pull requests, reviews and CI runs of one project, in the agent's SQLite. */
import type { CiState, PullRequest, ReviewComment, WorkflowRun } from "@att/shared";
import { and, desc, eq, inArray, max, ne, type SQL } from "drizzle-orm";
import type { AgentDb } from "../../../../state/db.ts";
import { ciRuns, prReviews, pullRequests } from "../../../../state/schema.ts";
import { OperationError } from "../../../errors.ts";

type PrRow = typeof pullRequests.$inferSelect;
type RunRow = typeof ciRuns.$inferSelect;
export type RunPatch = Partial<Pick<RunRow, "status" | "conclusion" | "exitCode" | "log" | "truncated">>;

/** Identifies this agent process: unfinished runs owned by any other runner are orphans. */
export const RUNNER_ID = crypto.randomUUID();

export class LocalStore {
  readonly #db: AgentDb;
  readonly #projectId: string;
  constructor(db: AgentDb, projectId: string) {
    this.#db = db;
    this.#projectId = projectId;
    reapOrphanedRuns(db);
  }

  /** Numbers the new pull request; refuses a second open one for the same head and base. */
  insertPr(values: Pick<PrRow, "title" | "body" | "head" | "base" | "headSha">): PrRow {
    const now = new Date().toISOString();
    return this.#db.transaction((tx) => {
      const open = tx
        .select({ number: pullRequests.number })
        .from(pullRequests)
        .where(
          and(
            this.#mine(),
            eq(pullRequests.state, "open"),
            eq(pullRequests.head, values.head),
            eq(pullRequests.base, values.base),
          ),
        )
        .get();
      if (open !== undefined) {
        throw new OperationError(
          "conflict",
          `pull request #${open.number} from ${values.head} into ${values.base} is already open`,
          {
            number: open.number,
          },
        );
      }
      const last = tx
        .select({ n: max(pullRequests.number) })
        .from(pullRequests)
        .where(this.#mine())
        .get();
      const row: PrRow = {
        id: crypto.randomUUID(),
        projectId: this.#projectId,
        number: (last?.n ?? 0) + 1,
        state: "open",
        mergeCommit: null,
        createdAt: now,
        updatedAt: now,
        ...values,
      };
      tx.insert(pullRequests).values(row).run();
      return row;
    });
  }

  getPr(number: number): PrRow {
    const row = this.#db
      .select()
      .from(pullRequests)
      .where(and(this.#mine(), eq(pullRequests.number, number)))
      .get();
    if (row === undefined) throw new OperationError("not_found", `no pull request #${number} in this project`);
    return row;
  }

  listPrs(state: PrRow["state"] | "all"): PrRow[] {
    const filter = state === "all" ? this.#mine() : and(this.#mine(), eq(pullRequests.state, state));
    return this.#db.select().from(pullRequests).where(filter).orderBy(desc(pullRequests.number)).all();
  }

  markMerged(number: number, values: { headSha: string; mergeCommit: string }): PrRow {
    this.#db
      .update(pullRequests)
      .set({ state: "merged", ...values, updatedAt: new Date().toISOString() })
      .where(and(this.#mine(), eq(pullRequests.number, number)))
      .run();
    return this.getPr(number);
  }

  addReview(values: Omit<typeof prReviews.$inferSelect, "id" | "projectId" | "createdAt">): ReviewComment {
    const row = { id: crypto.randomUUID(), projectId: this.#projectId, createdAt: new Date().toISOString(), ...values };
    this.#db.insert(prReviews).values(row).run();
    return toReview(row);
  }

  listReviews(number: number): ReviewComment[] {
    return this.#db
      .select()
      .from(prReviews)
      .where(and(eq(prReviews.projectId, this.#projectId), eq(prReviews.prNumber, number)))
      .orderBy(prReviews.createdAt)
      .all()
      .map(toReview);
  }

  insertRun(values: Pick<RunRow, "prNumber" | "name" | "branch" | "headSha">): RunRow {
    const now = new Date().toISOString();
    const row: RunRow = {
      id: crypto.randomUUID(),
      projectId: this.#projectId,
      status: "queued",
      conclusion: null,
      exitCode: null,
      log: "",
      truncated: false,
      runner: RUNNER_ID,
      createdAt: now,
      updatedAt: now,
      ...values,
    };
    this.#db.insert(ciRuns).values(row).run();
    return row;
  }

  updateRun(id: string, patch: RunPatch): void {
    this.#db
      .update(ciRuns)
      .set({ ...patch, updatedAt: new Date().toISOString() })
      .where(eq(ciRuns.id, id))
      .run();
  }

  getRun(id: string): RunRow {
    const row = this.#db
      .select()
      .from(ciRuns)
      .where(and(eq(ciRuns.projectId, this.#projectId), eq(ciRuns.id, id)))
      .get();
    if (row === undefined) throw new OperationError("not_found", `no CI run '${id}' in this project`);
    return row;
  }

  listRuns(filter: { prNumber?: number; branch?: string; limit: number }): RunRow[] {
    const conditions: SQL[] = [eq(ciRuns.projectId, this.#projectId)];
    if (filter.prNumber !== undefined) conditions.push(eq(ciRuns.prNumber, filter.prNumber));
    if (filter.branch !== undefined) conditions.push(eq(ciRuns.branch, filter.branch));
    return this.#db
      .select()
      .from(ciRuns)
      .where(and(...conditions))
      .orderBy(desc(ciRuns.createdAt), desc(ciRuns.id))
      .limit(filter.limit)
      .all();
  }

  /** The pull request as the protocol shows it, its `ci` taken from its latest run. */
  toPullRequest(row: PrRow): PullRequest {
    const [latest] = this.listRuns({ prNumber: row.number, limit: 1 });
    return {
      number: row.number,
      provider: "local",
      title: row.title,
      body: row.body,
      head: row.head,
      base: row.base,
      state: row.state,
      url: null,
      headSha: row.headSha,
      mergeCommit: row.mergeCommit,
      ci: latest === undefined ? "none" : ciState(latest),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  #mine(): SQL {
    return eq(pullRequests.projectId, this.#projectId);
  }
}

/** Runs an earlier agent process left unfinished can never finish: close them as cancelled. */
function reapOrphanedRuns(db: AgentDb): void {
  db.update(ciRuns)
    .set({ status: "completed", conclusion: "cancelled", updatedAt: new Date().toISOString() })
    .where(and(inArray(ciRuns.status, ["queued", "in_progress"]), ne(ciRuns.runner, RUNNER_ID)))
    .run();
}

export function toWorkflowRun(row: RunRow): WorkflowRun {
  return {
    id: row.id,
    name: row.name,
    branch: row.branch,
    headSha: row.headSha,
    status: row.status,
    conclusion: row.conclusion,
    url: null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function ciState(run: RunRow): CiState {
  if (run.status === "queued") return "pending";
  if (run.status === "in_progress") return "running";
  switch (run.conclusion) {
    case "success":
    case "neutral":
    case "skipped":
      return "success";
    case "failure":
    case "timed_out":
      return "failure";
    default:
      return "error";
  }
}

function toReview(row: typeof prReviews.$inferSelect): ReviewComment {
  return {
    id: row.id,
    author: row.author,
    body: row.body,
    state: row.state,
    path: row.path,
    line: row.line,
    createdAt: row.createdAt,
  };
}
