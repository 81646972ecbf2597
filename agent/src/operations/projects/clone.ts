/** projects.clone: a git clone into a new project, with no prompts and nothing left behind on failure. */
import { emitEvent, type Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { checkCloneUrl, redact, remoteToKeep, repositoryName } from "./clone-url.ts";
import { git, gitOrFail } from "./git.ts";
import { checkName, claimName, toProjectName } from "./names.ts";
import { stageProject } from "./staging.ts";

/** Under the control plane's 300 s wait for projects.clone, so the answer still arrives. */
const CLONE_TIMEOUT_MS = 280_000;
/** Git refuses these transports outright, even if a config or redirect asks for them. */
const SAFE_PROTOCOLS = ["-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never"];
const NOT_FOUND =
  /(not found|does not exist|does not appear to be a git repository|could not find remote branch|no such file or directory)/i;

function defaultName(url: string): string {
  const name = toProjectName(repositoryName(url));
  try {
    checkName(name);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OperationError("bad_request", `cannot name the project after '${redact(url)}' (${why}); pass a name`);
  }
  return name;
}

async function gitClone(options: { url: string; ref: string | undefined; dir: string; cwd: string }): Promise<void> {
  if (options.ref?.startsWith("-")) throw new OperationError("bad_request", "ref must not start with '-'");
  const branch = options.ref === undefined ? [] : ["--branch", options.ref];
  const result = await git([...SAFE_PROTOCOLS, "clone", "--quiet", ...branch, "--", options.url, options.dir], {
    cwd: options.cwd,
    timeoutMs: CLONE_TIMEOUT_MS,
    env: { GIT_ALLOW_PROTOCOL: "https:ssh:file" },
  });
  if (result.exitCode === 0) return;
  const message = redact(result.stderr.trim().split("\n").slice(-5).join("\n")) || "no output";
  if (result.exitCode === undefined) throw new OperationError("upstream_error", `git clone did not finish: ${message}`);
  throw new OperationError(NOT_FOUND.test(message) ? "not_found" : "upstream_error", `git clone failed: ${message}`);
}

export const cloneProject: Operation<"projects.clone"> = async ({ url, name, ref }, context) => {
  const kind = checkCloneUrl(url);
  const projectName = name ?? defaultName(url);
  const { catalog } = context;
  const release = await claimName(catalog, projectName);
  try {
    await stageProject({
      root: catalog.root,
      name: projectName,
      build: async (dir) => {
        await gitClone({ url, ref, dir, cwd: catalog.root });
        const keep = remoteToKeep(url, kind);
        if (keep !== url) await gitOrFail(["remote", "set-url", "origin", keep], dir);
      },
    });
    const project = await catalog.register(projectName, "cloned");
    emitEvent(context, {
      projectId: project.id,
      type: "project.created",
      payload: { name: projectName, source: redact(url) },
    });
    return { project };
  } finally {
    release();
  }
};
