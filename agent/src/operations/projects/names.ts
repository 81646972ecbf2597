/**
 * Project names: they become a directory under the projects root and the
 * Python package of NAT templates, so beyond the ProjectName schema some
 * names are refused: ones that would shadow Python or NAT modules, Python
 * keywords, and names Windows reserves.
 */
import { ProjectName } from "@att/shared";
import { OperationError } from "../errors.ts";
import type { ProjectCatalog } from "../projects.ts";

const PYTHON_KEYWORDS = (
  "and as assert async await break class continue def del elif else except false finally for from " +
  "global if import in is lambda none nonlocal not or pass raise return true try while with yield"
).split(" ");
/** Packages a NAT project imports: a project of the same name would shadow them. */
const SHADOWED_MODULES = (
  "nat mcp langchain langchain_core pydantic pytest setuptools pip yaml abc asyncio collections " +
  "datetime email functools http io json logging math os pathlib random re site socket string " +
  "subprocess sys tempfile test tests time types typing unittest uuid"
).split(" ");
/** Folder names inside a project, and names Windows cannot use for a directory. */
const OTHER = ["src", "configs", "data", "build", "dist", "con", "prn", "aux", "nul"];
const WINDOWS_DEVICE = /^(com|lpt)[0-9]$/;

export const RESERVED_NAMES: ReadonlySet<string> = new Set([...PYTHON_KEYWORDS, ...SHADOWED_MODULES, ...OTHER]);

/** Throws bad_request for a name that is not snake_case or is reserved. */
export function checkName(name: string): void {
  const parsed = ProjectName.safeParse(name);
  if (!parsed.success) {
    throw new OperationError("bad_request", `invalid project name '${name}': ${parsed.error.issues[0]?.message}`);
  }
  if (RESERVED_NAMES.has(name) || WINDOWS_DEVICE.test(name)) {
    throw new OperationError("bad_request", `'${name}' is a reserved name; pick another project name`);
  }
}

/**
 * Checks `name` and holds it for one creation; conflict when a project of
 * that name exists or is being created. Call the returned release when done.
 */
export async function claimName(catalog: ProjectCatalog, name: string): Promise<() => void> {
  checkName(name);
  const release = catalog.reserve(name);
  if (release === null) throw new OperationError("conflict", `a project named '${name}' is being created`);
  if (await catalog.isTaken(name)) {
    release();
    throw new OperationError("conflict", `a project named '${name}' already exists`);
  }
  return release;
}

/** A project name from free text, e.g. a repository name: "My-Repo.git" → "my_repo". */
export function toProjectName(text: string): string {
  const snake = text
    .replace(/\.git$/i, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64)
    .replace(/_+$/, "");
  return /^[0-9]/.test(snake) ? `p_${snake}`.slice(0, 64) : snake;
}
