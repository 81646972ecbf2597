/** projects.import / projects.export with real zips, hostile ones included (written byte by byte where yazl would refuse). */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { MAX_ARCHIVE_ENTRIES, MAX_UNPACKED_BYTES } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import yazl from "yazl";
import { extractArchive } from "../src/operations/projects/unzip.ts";
import { entriesOf, eventsOf, git, projects } from "./projects-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let context: TestContext;
let root: string;

beforeEach(() => {
  context = createTestContext();
  root = context.config.projectsDir;
});
afterEach(() => {
  context.dispose();
});

interface RawEntry {
  name: string;
  data?: string;
  /** Unix mode including the file type bits, e.g. 0o120777 for a symlink. */
  mode?: number;
}

/** A stored (uncompressed) zip written by hand, so names and modes are exactly what the test says. */
function rawZip(entries: readonly RawEntry[], options: { declaredEntries?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = Buffer.from(entry.data ?? "", "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix: external attributes carry the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.declaredEntries ?? entries.length, 8);
  end.writeUInt16LE(options.declaredEntries ?? entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function yazlZip(fill: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  fill(zip);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Names and contents of the files in a zip, read back with yauzl. */
async function unzipToMap(archive: Buffer): Promise<Map<string, string>> {
  const zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true });
  const files = new Map<string, string>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(Buffer.from(chunk));
    files.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
  }
  return files;
}

const importZip = (name: string, archive: Buffer) =>
  projects.import(context, { name, archiveBase64: archive.toString("base64") });

describe("export and import", () => {
  it("round trip: exports tracked and untracked files, not .git or ignored ones; imports them as a new repository", async () => {
    const { project } = await projects.create(context, { name: "source", template: "chatbot" });
    writeFileSync(path.join(project.path, "notes.txt"), "untracked but not ignored\n");
    mkdirSync(path.join(project.path, ".tmp"));
    writeFileSync(path.join(project.path, ".tmp", "run.log"), "ignored\n");
    mkdirSync(path.join(project.path, "src", "source", "__pycache__"));
    writeFileSync(path.join(project.path, "src", "source", "__pycache__", "x.pyc"), "ignored\n");

    const exported = await projects.export(context, { projectId: project.id });
    const archive = Buffer.from(exported.archiveBase64, "base64");
    expect(exported.bytes).toBe(archive.length);
    const files = await unzipToMap(archive);
    const tracked = git(project.path, "ls-files").split("\n");
    expect([...files.keys()].sort()).toEqual([...tracked, "notes.txt"].sort());
    expect(exported.files).toBe(files.size);

    const imported = await importZip("copy", archive);
    expect(imported.files).toBe(files.size);
    expect(imported.project).toMatchObject({ name: "copy", status: "created" });
    for (const [name, text] of files) {
      expect(readFileSync(path.join(imported.project.path, name), "utf8")).toBe(text);
    }
    expect(git(imported.project.path, "log", "--format=%s")).toBe("Import copy from a zip archive");
    expect(eventsOf(context).at(-1)).toMatchObject({
      projectId: imported.project.id,
      type: "project.created",
      payload: { name: "copy", source: "zip" },
    });
  });

  it("exports a folder that is not a git repository, honouring nested .gitignore files", async () => {
    const dir = path.join(root, "plain");
    mkdirSync(path.join(dir, "sub"), { recursive: true });
    writeFileSync(path.join(dir, ".gitignore"), "secret.txt\n");
    writeFileSync(path.join(dir, "a.txt"), "a");
    writeFileSync(path.join(dir, "secret.txt"), "s");
    writeFileSync(path.join(dir, "sub", ".gitignore"), "*.log\n");
    writeFileSync(path.join(dir, "sub", "b.txt"), "b");
    writeFileSync(path.join(dir, "sub", "x.log"), "x");
    const [project] = await context.catalog.list();
    const { archiveBase64 } = await projects.export(context, { projectId: project?.id ?? "" });
    const files = await unzipToMap(Buffer.from(archiveBase64, "base64"));
    expect([...files.keys()].sort()).toEqual([".gitignore", "a.txt", "sub/.gitignore", "sub/b.txt"]);
  });

  it("refuses to export a project whose archive would be too big, pointing at git instead", async () => {
    const dir = path.join(root, "big");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "noise.bin"), randomBytes(700 * 1024));
    const [project] = await context.catalog.list();
    const error = await projects.export(context, { projectId: project?.id ?? "" }).catch((e) => e);
    expect(error).toMatchObject({ code: "payload_too_large" });
    expect(String(error.message)).toMatch(/clone it instead/);
  });

  it("strips a single top-level folder and keeps the executable bit", async () => {
    const archive = rawZip([
      { name: "repo-main/", mode: 0o40755 },
      { name: "repo-main/README.md", data: "hi\n" },
      { name: "repo-main/bin/run.sh", data: "#!/bin/sh\n", mode: 0o100755 },
    ]);
    const { project, files } = await importZip("unwrapped", archive);
    expect(files).toBe(2);
    expect(readFileSync(path.join(project.path, "README.md"), "utf8")).toBe("hi\n");
    expect(git(project.path, "ls-files", "-s", "bin/run.sh")).toMatch(/^100755 /);
    expect(entriesOf(project.path)).toEqual([".git", "README.md", "bin"]);
  });

  it("never unpacks a .git folder from the archive (its config could run commands)", async () => {
    const archive = rawZip([
      { name: ".git/config", data: "[core]\n\tfsmonitor = touch /tmp/att-pwned\n" },
      { name: "app.py", data: "print(1)\n" },
    ]);
    const { project, files } = await importZip("nogit", archive);
    expect(files).toBe(1);
    expect(readFileSync(path.join(project.path, ".git", "config"), "utf8")).not.toContain("fsmonitor");
  });
});

describe("hostile archives are refused and leave nothing behind", () => {
  const hostile: [string, Buffer, RegExp][] = [
    [
      "zip-slip with ..",
      rawZip([
        { name: "ok.txt", data: "x" },
        { name: "../evil.txt", data: "x" },
      ]),
      /relative path/,
    ],
    ["nested zip-slip", rawZip([{ name: "a/../../evil.txt", data: "x" }]), /relative path/],
    ["an absolute path", rawZip([{ name: "/tmp/evil.txt", data: "x" }]), /absolute path/],
    ["a backslash", rawZip([{ name: "a\\..\\evil.txt", data: "x" }]), /invalid characters/],
    ["a symlink", rawZip([{ name: "link", data: "/etc/passwd", mode: 0o120777 }]), /symbolic link/],
    ["a device file", rawZip([{ name: "dev", mode: 0o020644 }]), /not a regular file/],
    [
      "a duplicated entry",
      rawZip([
        { name: "a.txt", data: "1" },
        { name: "a.txt", data: "2" },
      ]),
      /duplicated/,
    ],
    ["no files at all", rawZip([{ name: "empty/", mode: 0o40755 }]), /no files/],
    ["not a zip", Buffer.from("not a zip at all"), /not a zip file/],
  ];
  for (const [what, archive, reason] of hostile) {
    it(`${what}: bad_request`, async () => {
      await expect(importZip("victim", archive)).rejects.toMatchObject({
        code: "bad_request",
        message: expect.stringMatching(reason),
      });
      expect(entriesOf(root)).toEqual([]);
      expect(eventsOf(context)).toEqual([]);
    });
  }

  it("a zip bomb (300 MB of zeros in a few hundred KB): payload_too_large, counted while inflating", async () => {
    const size = 300 * 1024 * 1024;
    expect(size).toBeGreaterThan(MAX_UNPACKED_BYTES);
    const archive = await yazlZip((zip) => {
      const zeros = Buffer.alloc(1024 * 1024);
      zip.addReadStream(
        Readable.from(
          (function* () {
            for (let i = 0; i < size / zeros.length; i += 1) yield zeros;
          })(),
        ),
        "zeros.bin",
        { compressionLevel: 9 },
      );
    });
    expect(archive.length).toBeLessThan(640 * 1024);
    const error = await importZip("bomb", archive).catch((e) => e);
    expect(error).toMatchObject({ code: "payload_too_large" });
    expect(String(error.message)).toContain("unpacks to more than");
    expect(entriesOf(root)).toEqual([]);
  }, 60_000);

  it("too many entries: payload_too_large", async () => {
    const archive = await yazlZip((zip) => {
      for (let i = 0; i <= MAX_ARCHIVE_ENTRIES; i += 1) zip.addBuffer(Buffer.alloc(0), `f${i}`, { compress: false });
    });
    await expect(extractArchive(archive, path.join(root, ".scratch"))).rejects.toMatchObject({
      code: "payload_too_large",
    });
    const lying = rawZip([{ name: "a.txt", data: "x" }], { declaredEntries: MAX_ARCHIVE_ENTRIES + 1 });
    await expect(importZip("many", lying)).rejects.toMatchObject({ code: "payload_too_large" });
    expect(entriesOf(root)).toEqual([]);
  });

  it("a name that is taken: conflict, and the existing project is untouched", async () => {
    await projects.create(context, { name: "taken" });
    await expect(importZip("taken", rawZip([{ name: "a.txt", data: "x" }]))).rejects.toMatchObject({
      code: "conflict",
    });
    expect(entriesOf(path.join(root, "taken"))).toEqual([".git", ".gitignore", "README.md"]);
  });
});
