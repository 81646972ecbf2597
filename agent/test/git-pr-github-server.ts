/**
 * A stand-in GitHub REST server for tests (node:http on 127.0.0.1): just the
 * endpoints the GitHub provider calls, with GitHub's shapes, in memory; plus
 * switches tests use to stage an outage and the run a new pull request starts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import yazl from "yazl";
import { z } from "zod";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
  /** Set when the request met an outage instead of an answer. */
  fault?: Outage["kind"];
}

/**
 * Stand-in only: GitHub being unreachable. Matching requests (all, or those whose path matches
 * `paths`) are recorded, then answered 503 (`unavailable`) or cut off without an answer (`drop`).
 */
export interface Outage {
  kind: "unavailable" | "drop";
  paths?: RegExp;
}

interface Pull {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  html_url: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  created_at: string;
  updated_at: string;
  /** Stand-in only: whether a merge is refused as GitHub does (405). */
  mergeable: boolean;
}

interface Run {
  id: number;
  name: string;
  head_branch: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  logs: Record<string, string>;
}

const CreatePull = z.object({ title: z.string(), body: z.string().optional(), head: z.string(), base: z.string() });
const CreateReview = z.object({
  event: z.string(),
  body: z.string().optional(),
  comments: z.array(z.object({ path: z.string(), line: z.number(), body: z.string() })).optional(),
});

const T0 = "2026-01-02T03:04:05Z";

export class StandInGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly pulls: Pull[] = [];
  readonly runs: Run[] = [];
  readonly reviews: {
    id: number;
    pull: number;
    user: { login: string };
    body: string;
    state: string;
    submitted_at: string;
  }[] = [];
  readonly comments: {
    id: number;
    pull: number;
    user: { login: string };
    body: string;
    path: string;
    line: number;
    created_at: string;
  }[] = [];
  /** Stand-in only: the run a new pull request's head starts, as a `pull_request` trigger would (null: none). */
  runOnNewPull: { status: string; conclusion: string | null } | null = null;
  outage: Outage | null = null;
  readonly #server: Server;
  readonly #token: string;
  #nextId = 100;

  private constructor(token: string) {
    this.#token = token;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
    });
  }

  static async start(token: string): Promise<StandInGitHub> {
    const github = new StandInGitHub(token);
    await new Promise<void>((resolve) => github.#server.listen(0, "127.0.0.1", resolve));
    return github;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  addPull(values: { head: string; base?: string; headSha: string; mergeable?: boolean; title?: string }): Pull {
    const pull: Pull = {
      number: this.pulls.length + 1,
      title: values.title ?? `PR from ${values.head}`,
      body: null,
      state: "open",
      html_url: `https://github.com/octo/demo/pull/${this.pulls.length + 1}`,
      merged_at: null,
      merge_commit_sha: null,
      head: { ref: values.head, sha: values.headSha },
      base: { ref: values.base ?? "main" },
      created_at: T0,
      updated_at: T0,
      mergeable: values.mergeable ?? true,
    };
    this.pulls.push(pull);
    return pull;
  }

  addRun(values: {
    branch: string;
    headSha: string;
    status: string;
    conclusion: string | null;
    logs?: Record<string, string>;
  }): Run {
    const id = this.#newId();
    const run: Run = {
      id,
      name: "CI",
      head_branch: values.branch,
      head_sha: values.headSha,
      status: values.status,
      conclusion: values.conclusion,
      html_url: `https://github.com/octo/demo/actions/runs/${id}`,
      created_at: T0,
      updated_at: T0,
      logs: values.logs ?? {},
    };
    this.runs.push(run);
    return run;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const text = await readBody(req);
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const method = req.method ?? "GET";
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body,
    };
    this.requests.push(recorded);
    const outage = this.outage;
    if (outage !== null && (outage.paths === undefined || outage.paths.test(url.pathname))) {
      recorded.fault = outage.kind;
      if (outage.kind === "drop") {
        req.socket.destroy();
        return;
      }
      return send(res, 503, { message: "Service Unavailable" });
    }
    const zip = /^\/blobs\/logs-(\d+)\.zip$/.exec(url.pathname);
    if (zip !== null) return this.#sendZip(res, Number(zip[1]));
    if (req.headers.authorization !== `token ${this.#token}`) return send(res, 401, { message: "Bad credentials" });
    const route = url.pathname.replace(/^\/repos\/octo\/demo/, "");
    if (route === url.pathname) return send(res, 404, { message: "Not Found" });
    const key = `${method} ${route.replace(/\d+/g, ":n")}`;
    const n = Number(/\d+/.exec(route)?.[0] ?? "0");
    switch (key) {
      case "GET ":
        return send(res, 200, { full_name: "octo/demo", default_branch: "main" });
      case "POST /pulls": {
        const input = CreatePull.parse(body);
        // A head commit of its own per pull request, so one's runs never count for another.
        const headSha = String(this.pulls.length + 1).padStart(40, "c");
        const pull = this.addPull({ head: input.head, base: input.base, headSha, title: input.title });
        pull.body = input.body ?? null;
        if (this.runOnNewPull !== null) {
          this.addRun({ branch: input.head, headSha: pull.head.sha, ...this.runOnNewPull });
        }
        return send(res, 201, pull);
      }
      case "GET /pulls": {
        const state = url.searchParams.get("state") ?? "open";
        return send(res, 200, state === "all" ? this.pulls : this.pulls.filter((p) => p.state === state));
      }
      case "GET /pulls/:n":
        return this.#withPull(res, n, (pull) => send(res, 200, pull));
      case "PUT /pulls/:n/merge":
        return this.#withPull(res, n, (pull) => {
          if (!pull.mergeable) return send(res, 405, { message: "Pull Request is not mergeable" });
          Object.assign(pull, { state: "closed", merged_at: T0, merge_commit_sha: "d".repeat(40) });
          return send(res, 200, {
            sha: pull.merge_commit_sha,
            merged: true,
            message: "Pull Request successfully merged",
          });
        });
      case "GET /pulls/:n/reviews":
        return send(
          res,
          200,
          this.reviews.filter((r) => r.pull === n),
        );
      case "GET /pulls/:n/comments":
        return send(
          res,
          200,
          this.comments.filter((c) => c.pull === n),
        );
      case "POST /pulls/:n/reviews":
        return this.#withPull(res, n, () => {
          const input = CreateReview.parse(body);
          const state = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED" }[input.event] ?? "COMMENTED";
          const review = {
            id: this.#newId(),
            pull: n,
            user: { login: "octocat" },
            body: input.body ?? "",
            state,
            submitted_at: T0,
          };
          this.reviews.push(review);
          for (const c of input.comments ?? []) {
            this.comments.push({ id: this.#newId(), pull: n, user: { login: "octocat" }, created_at: T0, ...c });
          }
          return send(res, 200, review);
        });
      case "GET /actions/runs": {
        const branch = url.searchParams.get("branch");
        const sha = url.searchParams.get("head_sha");
        const runs = this.runs.filter(
          (r) => (branch === null || r.head_branch === branch) && (sha === null || r.head_sha === sha),
        );
        return send(res, 200, { total_count: runs.length, workflow_runs: runs });
      }
      case "GET /actions/runs/:n":
        return this.#withRun(res, n, (run) => send(res, 200, run));
      case "GET /actions/runs/:n/logs":
        // GitHub answers with a redirect to a short-lived archive URL.
        return this.#withRun(res, n, (run) => {
          res.writeHead(302, { location: `${this.url}/blobs/logs-${run.id}.zip` }).end();
        });
      default:
        return send(res, 404, { message: "Not Found" });
    }
  }

  #newId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  #withPull(res: ServerResponse, n: number, then: (pull: Pull) => void): void {
    const pull = this.pulls.find((p) => p.number === n);
    if (pull === undefined) send(res, 404, { message: "Not Found" });
    else then(pull);
  }

  #withRun(res: ServerResponse, id: number, then: (run: Run) => void): void {
    const run = this.runs.find((r) => r.id === id);
    if (run === undefined) send(res, 404, { message: "Not Found" });
    else then(run);
  }

  async #sendZip(res: ServerResponse, id: number): Promise<void> {
    const run = this.runs.find((r) => r.id === id);
    if (run === undefined) return send(res, 404, { message: "Not Found" });
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(run.logs)) zip.addBuffer(Buffer.from(content), name);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    res.writeHead(200, { "content-type": "application/zip" }).end(Buffer.concat(chunks));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
