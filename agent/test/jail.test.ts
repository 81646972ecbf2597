/**
 * The project jail: hostile paths are refused by name, symlinks out of the
 * project are refused at any depth (existing or not), and properties prove
 * that no generated path lets an operation read or change anything outside.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OperationError } from "../src/operations/errors.ts";
import { jailPath, makeParentDirectories, resolveInProject } from "../src/operations/jail.ts";
import { type CodeProject, createCodeProject } from "./support/code-project.ts";

let project: CodeProject;
/** A directory next to the projects root that nothing may touch. */
let outside: string;
const SECRET = `OUTSIDE-SECRET-${crypto.randomUUID()}`;

beforeEach(async () => {
  project = await createCodeProject();
  outside = path.join(project.context.dir, "outside");
  mkdirSync(path.join(outside, "nested"), { recursive: true });
  writeFileSync(path.join(outside, "passwd"), `${SECRET}\n`);
  writeFileSync(path.join(outside, "nested", "secret.txt"), `${SECRET}\n`);
  const sibling = path.join(project.context.config.projectsDir, ".other-project");
  mkdirSync(sibling);
  writeFileSync(path.join(sibling, "secret.txt"), `${SECRET}\n`);
});
afterEach(() => {
  project.dispose();
});

const link = (target: string, name: string) => {
  mkdirSync(path.dirname(path.join(project.root, name)), { recursive: true });
  symlinkSync(target, path.join(project.root, name));
};
const refusal = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ code: "forbidden" });

describe("resolveInProject: lexical refusals", () => {
  const hostile = [
    "../x",
    "..",
    "a/../../x",
    "a/b/../../../x",
    "/etc/passwd",
    "//server/share",
    "C:\\Windows",
    "C:/Windows",
    "c:relative",
    "\\\\server\\share",
    "a\\..\\..\\x",
    "%2e%2e%2fetc",
    "%2E%2E/x",
    "..%2fx",
    "a%2fb",
    "a%5cb",
    ".%2e/x",
    "%252e%252e%252fetc",
    "a\0b",
  ];
  it.each(hostile)("refuses %j and names it", async (request) => {
    const error = await resolveInProject(project.root, request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect(error).toMatchObject({ code: "forbidden" });
    expect((error as Error).message).toContain(request.replace("\0", "?"));
  });

  it.each(["", ".", "./a", "a//b/", "a/./b", "..foo", "a..b/c...", "with space%20.txt", "~/x"])(
    "allows %j inside the project",
    async (request) => {
      const resolved = await resolveInProject(project.root, request);
      expect(resolved.startsWith(realpathSync(project.root))).toBe(true);
    },
  );

  // Found by fuzzing the control plane: the kernel's ENAMETOOLONG reached the client as a 500.
  it.each(["a".repeat(256), `src/${"é".repeat(128)}`])(
    "refuses a name longer than any file system allows (%#) as a bad request",
    async (request) => {
      await expect(resolveInProject(project.root, request)).rejects.toMatchObject({ code: "bad_request" });
      await expect(project.read({ path: request })).rejects.toMatchObject({ code: "bad_request" });
      await expect(project.tree({ path: request })).rejects.toMatchObject({ code: "bad_request" });
    },
  );

  it("returns the path under the root's realpath", async () => {
    const viaLink = path.join(project.context.dir, "root-link");
    symlinkSync(project.root, viaLink);
    const jailed = await jailPath(viaLink, "src/a.txt");
    expect(jailed).toEqual({
      root: realpathSync(project.root),
      absolute: path.join(realpathSync(project.root), "src", "a.txt"),
      relative: "src/a.txt",
    });
  });
});

describe("resolveInProject: symlinks", () => {
  it("allows a symlink that stays inside, resolving it", async () => {
    project.files({ "real/a.txt": "a" });
    link("real", "alias");
    link("../../real/a.txt", "deep/er/file-link");
    expect((await jailPath(project.root, "alias/a.txt")).relative).toBe("real/a.txt");
    expect((await jailPath(project.root, "deep/er/file-link")).relative).toBe("real/a.txt");
  });

  it("refuses symlinks out of the project, absolute or relative, at any depth", async () => {
    link(outside, "abs");
    link("../../outside", "rel");
    link("../../../../outside/nested", "a/b/deep");
    link("..", "a/up"); // back to the root: fine
    for (const request of ["abs", "abs/passwd", "rel/passwd", "a/b/deep/secret.txt", "a/up/abs/passwd"]) {
      await refusal(resolveInProject(project.root, request));
      await refusal(resolveInProject(project.root, request, { mode: "write" }));
    }
    expect((await jailPath(project.root, "a/up/a")).relative).toBe("a");
  });

  it("refuses a dangling symlink whose target is outside, and writes below it", async () => {
    link(path.join(outside, "not-yet", "file.txt"), "dangling");
    link(path.join(outside, "new-dir"), "dangling-dir");
    await refusal(resolveInProject(project.root, "dangling", { mode: "write" }));
    await refusal(resolveInProject(project.root, "dangling-dir/x/y.txt", { mode: "write" }));
    await refusal(project.write({ path: "dangling", content: "x" }));
    await refusal(project.write({ path: "dangling-dir/x/y.txt", content: "x" }));
    expect(readdirSync(outside).sort()).toEqual(["nested", "passwd"]);
  });

  it("follows chains and refuses loops", async () => {
    link("hop2", "hop1");
    link(outside, "hop2");
    link("loop-b", "loop-a");
    link("loop-a", "loop-b");
    await refusal(resolveInProject(project.root, "hop1/passwd"));
    await expect(resolveInProject(project.root, "loop-a/x")).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("loop"),
    });
  });

  it("code.read of ../../etc/passwd fails", async () => {
    await refusal(project.read({ path: "../../etc/passwd" }));
  });

  it("code.read through a symlink etc -> /etc fails", async () => {
    link("/etc", "etc");
    await expect(project.read({ path: "etc/passwd" })).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("etc/passwd"),
    });
    await refusal(project.tree({ path: "etc" }));
    await refusal(project.search({ query: "root", path: "etc" }));
  });

  it("does not let directory creation walk through a symlink planted after the check", async () => {
    const jailed = await jailPath(project.root, "planted/x/file.txt", { mode: "write" });
    link(outside, "planted"); // the race: a symlink appears between resolution and mkdir
    await refusal(makeParentDirectories(jailed));
    expect(readdirSync(outside).sort()).toEqual(["nested", "passwd"]);
  });
});

// --- properties ---------------------------------------------------------------

const SEGMENTS = [
  "..",
  ".",
  "",
  "%2e%2e",
  "%2E%2e%2F",
  "%2f",
  "%5c",
  "%252e%252e",
  "..\\",
  "\\",
  "C:",
  "c:\\",
  "\0",
  "..%2f",
  "etc",
  "passwd",
  "secret.txt",
  "nested",
  "outside",
  ".other-project",
  "abs",
  "rel",
  "dangling",
  "dangling-dir",
  "inner",
  "up",
  "upup",
  "src",
  "a.txt",
  "new",
  // whole escapes, so mixtures reach the sentinels often
  "../../outside/passwd",
  "../.other-project/secret.txt",
  "abs/passwd",
  "rel/nested/secret.txt",
  "upup/.other-project/secret.txt",
  "secret-link",
  "dangling-dir/x/y",
];
const PREFIXES = ["", "", "", "/", "//", "\\\\server\\share\\", "C:\\", "C:/", "./", "../", "src/../"];

const hostilePath = fc
  .tuple(
    fc.constantFrom(...PREFIXES),
    fc.array(
      fc.oneof(
        { arbitrary: fc.constantFrom(...SEGMENTS), weight: 5 },
        { arbitrary: fc.string({ maxLength: 3 }), weight: 1 },
      ),
      { minLength: 1, maxLength: 5 },
    ),
  )
  .map(([prefix, segments]) => prefix + segments.join("/"))
  .filter((candidate) => candidate.length > 0);

/** Every path, type, symlink target and content digest below `dir`, except the project itself and the agent state. */
function snapshot(dir: string, skip: string[]): string[] {
  const lines: string[] = [];
  const visit = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (skip.includes(full)) continue;
      const stats = lstatSync(full);
      if (stats.isSymbolicLink()) lines.push(`${full} -> ${readlinkSync(full)}`);
      else if (stats.isDirectory()) {
        lines.push(`${full}/`);
        visit(full);
      } else lines.push(`${full} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`);
    }
  };
  visit(dir);
  return lines;
}

const ALLOWED_REFUSALS = ["forbidden", "not_found", "bad_request"];

describe.each([
  { kind: "plain directory", git: false },
  { kind: "git repository", git: true },
])("jail properties in a $kind", ({ git }) => {
  let before: string[];
  let skip: string[];
  // Each git-backed run starts a few git processes; fewer runs keep the suite quick.
  const runs = (plain: number) => (git ? Math.ceil(plain / 4) : plain);

  beforeEach(() => {
    if (git) project.git("init", "-q");
    project.files({ "src/a.txt": "inside\n", "a.txt": "inside\n" });
    link(outside, "abs");
    link("../../outside", "rel");
    link(path.join(outside, "nested", "new-file"), "dangling");
    link(path.join(outside, "fresh-dir"), "dangling-dir");
    link("src", "inner");
    link(path.join(outside, "passwd"), "secret-link");
    link("..", "src/up");
    link("../..", "src/upup");
    skip = [project.root, path.join(project.context.dir, "state")];
    before = snapshot(project.context.dir, skip);
  });

  /** Runs one operation with a hostile path: it must refuse cleanly or stay inside. */
  const check = async (operation: () => Promise<unknown>) => {
    const outcome = await operation().then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (outcome.ok) {
      expect(JSON.stringify(outcome.result)).not.toContain(SECRET);
      expect(JSON.stringify(outcome.result)).not.toContain('"../');
    } else {
      expect(outcome.error).toBeInstanceOf(OperationError);
      expect(ALLOWED_REFUSALS).toContain((outcome.error as OperationError).code);
    }
    expect(snapshot(project.context.dir, skip)).toEqual(before);
  };

  it("read never reads outside", async () => {
    await fc.assert(
      fc.asyncProperty(hostilePath, async (request) => {
        await check(() => project.read({ path: request }));
      }),
      { numRuns: runs(150) },
    );
  }, 60_000);

  it("write never writes outside", async () => {
    await fc.assert(
      fc.asyncProperty(hostilePath, async (request) => {
        await check(() => project.write({ path: request, content: `pwned ${SECRET.length}` }));
      }),
      { numRuns: runs(150) },
    );
  }, 60_000);

  it("tree and search never list or read outside", async () => {
    await fc.assert(
      fc.asyncProperty(hostilePath, async (request) => {
        await check(() => project.tree({ path: request, hidden: true }));
        await check(() => project.search({ query: "SECRET", path: request }));
      }),
      { numRuns: runs(100) },
    );
  }, 60_000);

  it("resolution lands inside the root or is refused as forbidden", async () => {
    const root = realpathSync(project.root);
    await fc.assert(
      fc.asyncProperty(hostilePath, fc.constantFrom("read" as const, "write" as const), async (request, mode) => {
        const outcome = await resolveInProject(project.root, request, { mode }).catch((error: unknown) => error);
        if (typeof outcome === "string") {
          expect(outcome === root || outcome.startsWith(`${root}/`)).toBe(true);
        } else {
          expect(outcome).toMatchObject({ code: expect.stringMatching(/^(forbidden|bad_request)$/) });
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe("diff paths are jailed", () => {
  it("refuses a diff path through a symlink out of the project", async () => {
    project.git("init", "-q");
    link(outside, "abs");
    await refusal(project.diff({ path: "abs/passwd" }));
    await refusal(project.diff({ path: "%2e%2e/outside" }));
  });
});

describe("the jail under a real git checkout", () => {
  it("keeps git's own files out of writes even when git is not initialised", async () => {
    execFileSync("git", ["init", "-q", project.root]);
    await refusal(project.write({ path: ".git/hooks/post-checkout", content: "#!/bin/sh\n" }));
    expect(readdirSync(path.join(project.root, ".git", "hooks"))).not.toContain("post-checkout");
  });
});
