/** projects.create (empty and file templates), names, catalog status changes and projects.delete, on real folders and git. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkName, RESERVED_NAMES, toProjectName } from "../src/operations/projects/names.ts";
import { sweepLeftovers } from "../src/operations/projects/staging.ts";
import { TEMPLATES_DIR } from "../src/operations/projects/templates.ts";
import { ProjectCatalog } from "../src/operations/projects.ts";
import { entriesOf, eventsOf, git, projects } from "./projects-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let context: TestContext;
let root: string;

beforeEach(() => {
  context = createTestContext({ ATT_NAT_COMMAND: "/nonexistent/nat" });
  root = context.config.projectsDir;
});
afterEach(() => {
  context.dispose();
});

describe("projects.create", () => {
  it("empty: a git repository on main with a README, one commit, status created, and an event", async () => {
    const { project } = await projects.create(context, { name: "my_app", description: "Notes app" });
    expect(project).toMatchObject({ name: "my_app", path: path.join(root, "my_app"), status: "created" });
    expect(readFileSync(path.join(project.path, "README.md"), "utf8")).toBe("# my_app\n\nNotes app\n");
    expect(git(project.path, "branch", "--show-current")).toBe("main");
    expect(git(project.path, "log", "--format=%s")).toBe("Create my_app from the ATT template 'empty'");
    expect(git(project.path, "status", "--porcelain")).toBe("");
    expect(entriesOf(root)).toEqual(["my_app"]);
    expect((await context.catalog.list()).map((p) => p.id)).toEqual([project.id]);
    const [event] = eventsOf(context);
    expect(event).toMatchObject({
      projectId: project.id,
      type: "project.created",
      payload: { name: "my_app", template: "empty" },
    });
    expect(context.wakes()).toBe(1);
  });

  it("renders the package name into paths and files, and leaves no placeholder", async () => {
    const { project } = await projects.create(context, { name: "weather_bot", template: "rag" });
    const files = git(project.path, "ls-files").split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "configs/config.yml",
        "data/nat.md",
        "src/weather_bot/__init__.py",
        "src/weather_bot/register.py",
        "tests/test_rag.py",
      ]),
    );
    for (const file of files) expect(readFileSync(path.join(project.path, file), "utf8")).not.toMatch(/\{\{/);
    const pyproject = readFileSync(path.join(project.path, "pyproject.toml"), "utf8");
    expect(pyproject).toContain('weather_bot = "weather_bot.register"');
    expect(pyproject).toContain('"nvidia-nat[langchain]~=1.8"');
    expect(readFileSync(path.join(project.path, "configs/config.yml"), "utf8")).toContain("_type: weather_bot_rag");
  });

  it("keeps a hostile description on one line, without quotes that would break pyproject.toml", async () => {
    const { project } = await projects.create(context, {
      name: "quoted",
      template: "chatbot",
      description: 'He said "hi"\n[evil]\\x = 1',
    });
    const line = readFileSync(path.join(project.path, "pyproject.toml"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("description"));
    expect(line).toBe('description = "He said hi [evil] x = 1"');
  });

  it("refuses names that are not snake_case or are reserved", async () => {
    for (const name of ["MyApp", "my-app", "1app", "", ".hidden", "a".repeat(65)]) {
      await expect(projects.create(context, { name })).rejects.toThrow();
    }
    for (const name of ["nat", "test", "class", "src", "com1"]) {
      await expect(projects.create(context, { name })).rejects.toMatchObject({ code: "bad_request" });
    }
    expect(entriesOf(root)).toEqual([]);
  });

  it("refuses a duplicate: an existing folder, a recorded project, or a creation in flight", async () => {
    mkdirSync(path.join(root, "taken"));
    await expect(projects.create(context, { name: "taken" })).rejects.toMatchObject({ code: "conflict" });
    await projects.create(context, { name: "mine" });
    await expect(projects.create(context, { name: "mine", template: "chatbot" })).rejects.toMatchObject({
      code: "conflict",
    });
    const results = await Promise.allSettled([
      projects.create(context, { name: "racy", template: "rag" }),
      projects.create(context, { name: "racy", template: "chatbot" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(entriesOf(root)).toEqual(["mine", "racy", "taken"]);
  });

  it("nat_workflow_create without NAT: precondition_failed saying how to install it, nothing left behind", async () => {
    const error = await projects.create(context, { name: "scaffold", template: "nat_workflow_create" }).catch((e) => e);
    expect(error).toMatchObject({ code: "precondition_failed" });
    expect(String(error.message)).toContain('pip install "nvidia-nat~=1.8"');
    expect(String(error.message)).toContain("ATT_NAT_COMMAND");
    expect(entriesOf(root)).toEqual([]);
    expect(eventsOf(context)).toEqual([]);
  });

  it("projects.templates lists every template; nat_workflow_create is unavailable without NAT", async () => {
    const { templates } = await projects.templates(context);
    expect(templates.map((t) => [t.id, t.available])).toEqual([
      ["empty", true],
      ["chatbot", true],
      ["tool_calling_agent", true],
      ["rag", true],
      ["mcp_server", true],
      ["nat_workflow_create", false],
    ]);
    for (const t of templates.filter((t) => t.id !== "nat_workflow_create")) {
      expect(existsSync(path.join(TEMPLATES_DIR, t.id))).toBe(true);
    }
  });
});

describe("project names", () => {
  it("toProjectName turns repository names into valid names", () => {
    expect(toProjectName("My-Repo.git")).toBe("my_repo");
    expect(toProjectName("NeMo-Agent-Toolkit")).toBe("ne_mo_agent_toolkit");
    expect(toProjectName("2048")).toBe("p_2048");
    expect(toProjectName("--")).toBe("");
  });

  it("every non-empty toProjectName result passes the ProjectName schema", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        const name = toProjectName(text);
        if (name === "" || RESERVED_NAMES.has(name)) return;
        expect(() => {
          checkName(name);
        }).not.toThrow();
      }),
    );
  });
});

describe("ProjectCatalog.setStatus", () => {
  it("follows PROJECT_TRANSITIONS and names both states when it refuses", async () => {
    const { project } = await projects.create(context, { name: "app" });
    expect((await context.catalog.setStatus(project.id, "running")).status).toBe("running");
    expect((await context.catalog.get(project.id)).status).toBe("running");
    const error = await context.catalog.setStatus(project.id, "created").catch((e) => e);
    expect(error).toMatchObject({ code: "conflict", details: { from: "running", to: "created" } });
    expect(String(error.message)).toMatch(/'running' to 'created'/);
    expect((await context.catalog.setStatus(project.id, "stopped")).status).toBe("stopped");
    await expect(context.catalog.setStatus(project.id, "stopped")).rejects.toMatchObject({ code: "conflict" });
    await expect(context.catalog.setStatus("missing", "running")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("projects.delete", () => {
  it("stops the app through the catalog's hook, removes folder and record, and emits project.deleted", async () => {
    const stopped: string[] = [];
    const catalog = new ProjectCatalog({
      db: context.db,
      root,
      stopApp: async (id) => {
        stopped.push(id);
      },
    });
    const withHook = { ...context, catalog };
    const { project } = await projects.create(withHook, { name: "doomed", template: "chatbot" });
    await projects.create(withHook, { name: "kept" });
    const { deleted } = await projects.delete(withHook, { projectId: project.id });
    expect(deleted.id).toBe(project.id);
    expect(stopped).toEqual([project.id]);
    expect(entriesOf(root)).toEqual(["kept"]);
    expect((await catalog.list()).map((p) => p.name)).toEqual(["kept"]);
    expect(eventsOf(context).at(-1)).toMatchObject({
      projectId: project.id,
      type: "project.deleted",
      payload: { name: "doomed" },
    });
    await expect(projects.delete(withHook, { projectId: project.id })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("leftovers of an interrupted operation", () => {
  it("are swept at start-up; projects are untouched", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "att-sweep-"));
    try {
      mkdirSync(path.join(root, ".att-staging-abc", "half_made"), { recursive: true });
      writeFileSync(path.join(root, ".att-staging-abc", "half_made", "file"), "x");
      mkdirSync(path.join(root, ".att-trash-def"));
      mkdirSync(path.join(root, "real_project"));
      expect((await sweepLeftovers(root)).sort()).toEqual([".att-staging-abc", ".att-trash-def"]);
      expect(readdirSync(root)).toEqual(["real_project"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
