/** Git and pull requests for a project, run by the agent (GitHub or the local provider for PRs). */
import {
  GitActionsParams,
  GitAddParams,
  GitBranchCreateParams,
  GitBranchSwitchParams,
  GitCommitParams,
  GitLogParams,
  GitPrCreateParams,
  GitPrListParams,
  GitPrMergeParams,
  GitPrReviewParams,
  GitPushParams,
  GitRef,
  PrProvider,
} from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppBindings } from "../env.ts";
import { operationRoute, queryInt } from "./operation-route.ts";

const TAG = "git";

const LogQuery = z.object({
  ref: GitRef.optional(),
  limit: queryInt(1, 1000).optional(),
  path: GitLogParams.shape.path,
});
const PrListQuery = z.object({ provider: PrProvider.optional(), state: GitPrListParams.shape.state.optional() });
const ActionsQuery = z.object({
  provider: PrProvider.optional(),
  branch: GitActionsParams.shape.branch,
  number: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 100).optional(),
});
const ReviewsQuery = z.object({ provider: PrProvider.optional(), number: queryInt(1, Number.MAX_SAFE_INTEGER) });
const ProviderQuery = z.object({ provider: PrProvider.optional() });

export function registerGit(app: OpenAPIHono<AppBindings>): void {
  const base = "/api/v1/projects/{id}/git";
  operationRoute(app, {
    verb: "get",
    path: `${base}/status`,
    tag: TAG,
    summary: "Branch, ahead/behind, staged, unstaged, untracked and conflicted files",
    operation: "git.status",
    errors: [404, 412],
    toParams: ({ id }) => ({ projectId: id }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/add`,
    tag: TAG,
    summary: "Stage paths",
    operation: "git.add",
    body: GitAddParams.omit({ projectId: true }),
    bodyExample: { paths: ["src/support_bot/register.py"] },
    errors: [403, 404, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/commit`,
    tag: TAG,
    summary: "Commit staged changes (or every tracked change with `all`, or the given `paths`)",
    operation: "git.commit",
    body: GitCommitParams.omit({ projectId: true }),
    bodyExample: { message: "Add a greeting tool", all: true },
    errors: [400, 404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/push`,
    tag: TAG,
    summary: "Push a branch (retries network errors with backoff; authentication failures name the remote)",
    operation: "git.push",
    body: GitPushParams.omit({ projectId: true }),
    bodyExample: { remote: "origin", branch: "feature/greeting" },
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/branch`,
    tag: TAG,
    summary: "List local branches",
    operation: "git.branch.list",
    errors: [404, 412],
    toParams: ({ id }) => ({ projectId: id }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/branch`,
    tag: TAG,
    summary: "Create a branch (and switch to it unless switch=false)",
    operation: "git.branch.create",
    body: GitBranchCreateParams.omit({ projectId: true }),
    bodyExample: { name: "feature/greeting", from: "main" },
    status: 201,
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/branch/switch`,
    tag: TAG,
    summary: "Switch to an existing branch",
    operation: "git.branch.switch",
    body: GitBranchSwitchParams.omit({ projectId: true }),
    bodyExample: { name: "main" },
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/log`,
    tag: TAG,
    summary: "Commit history (newest first; an empty repository has none)",
    operation: "git.log",
    query: LogQuery,
    errors: [404, 412],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/pr`,
    tag: TAG,
    summary: "List pull requests",
    operation: "git.pr.list",
    query: PrListQuery,
    errors: [404, 412],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/pr`,
    tag: TAG,
    summary: "Open a pull request (the local provider starts its CI run at once)",
    operation: "git.pr.create",
    body: GitPrCreateParams.omit({ projectId: true }),
    bodyExample: { title: "Add a greeting tool", body: "Adds `greet`.", head: "feature/greeting", base: "main" },
    status: 201,
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/pr/merge`,
    tag: TAG,
    summary: "Merge a pull request into its base (conflicts are refused and leave nothing half-merged)",
    operation: "git.pr.merge",
    body: GitPrMergeParams.omit({ projectId: true }),
    bodyExample: { number: 1, method: "merge" },
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/pr/reviews`,
    tag: TAG,
    summary: "A pull request's reviews and review comments",
    operation: "git.pr.reviews",
    query: ReviewsQuery,
    errors: [404, 412],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/pr/reviews`,
    tag: TAG,
    summary: "Review a pull request: comment, approve or request changes (optionally on a file line)",
    operation: "git.pr.review",
    body: GitPrReviewParams.omit({ projectId: true }),
    bodyExample: { number: 1, event: "comment", body: "Please add a test.", path: "src/app/greet.py", line: 3 },
    status: 201,
    errors: [404, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/actions`,
    tag: TAG,
    summary: "CI runs (GitHub Actions, or the local provider's test runs)",
    operation: "git.actions",
    query: ActionsQuery,
    errors: [404, 412],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/actions/{runId}/log`,
    tag: TAG,
    summary: "One CI run and its log",
    operation: "git.actions.log",
    query: ProviderQuery,
    errors: [404, 412],
    toParams: ({ id, params, query }) => ({ projectId: id, runId: params.runId ?? "", ...query }),
  });
}
