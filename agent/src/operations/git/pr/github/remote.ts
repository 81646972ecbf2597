/** Recognises a GitHub origin (https, ssh or scp-like) and names its owner and repository. */
export interface GitHubRepo {
  owner: string;
  repo: string;
}

const NAME = "[A-Za-z0-9_.-]+";
const PATTERNS = [
  // https://github.com/o/r(.git), with optional credentials and port
  new RegExp(`^(?:https?|git)://(?:[^@/]+@)?github\\.com(?::\\d+)?/(${NAME})/(${NAME})/?$`, "i"),
  // ssh://git@github.com/o/r.git
  new RegExp(`^ssh://(?:[^@/]+@)?github\\.com(?::\\d+)?/(${NAME})/(${NAME})/?$`, "i"),
  // git@github.com:o/r.git
  new RegExp(`^(?:[^@/:]+@)?github\\.com:(${NAME})/(${NAME})/?$`, "i"),
];

export function parseGitHubRemote(url: string | null): GitHubRepo | null {
  if (url === null) return null;
  for (const pattern of PATTERNS) {
    const match = pattern.exec(url.trim());
    const owner = match?.[1];
    const repo = match?.[2]?.replace(/\.git$/i, "");
    if (owner !== undefined && repo !== undefined && repo !== "" && owner !== "." && owner !== "..") {
      return { owner, repo };
    }
  }
  return null;
}
