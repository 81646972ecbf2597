/**
 * Picks the provider for one call: GitHub when the project's origin is on
 * github.com and a token is configured, else local; `provider` overrides.
 */
import type { PrProvider as PrProviderName } from "@att/shared";
import type { OperationContext } from "../../context.ts";
import { OperationError } from "../../errors.ts";
import { isRepositoryRoot } from "./git.ts";
import { GitHubProvider } from "./github/provider.ts";
import { parseGitHubRemote } from "./github/remote.ts";
import { LocalProvider } from "./local/provider.ts";
import type { PrProvider } from "./provider.ts";

export interface Chosen {
  name: PrProviderName;
  provider: PrProvider;
}

export async function chooseProvider(
  params: { projectId: string; provider?: PrProviderName | undefined },
  context: OperationContext,
): Promise<Chosen> {
  const project = await context.catalog.get(params.projectId);
  if (!(await isRepositoryRoot(project.path))) {
    throw new OperationError("precondition_failed", `project '${project.name}' is not a git repository`);
  }
  const where = parseGitHubRemote(project.gitRemote);
  const { token, apiUrl } = context.config.github;
  const name = params.provider ?? (where !== null && token !== null ? "github" : "local");
  if (name === "local") {
    return { name, provider: new LocalProvider({ context, projectId: project.id, repo: project.path }) };
  }
  if (token === null) {
    throw new OperationError(
      "precondition_failed",
      "the GitHub provider needs a token: set GITHUB_TOKEN (or GH_TOKEN) for the agent",
    );
  }
  if (where === null) {
    throw new OperationError("precondition_failed", `project '${project.name}' has no GitHub origin remote`);
  }
  return { name, provider: new GitHubProvider({ token, apiUrl, where, repoDir: project.path }) };
}
