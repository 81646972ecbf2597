/**
 * code.write: replaces a file atomically (a temp file in the same directory,
 * synced, then renamed over the target), so readers and concurrent writers
 * only ever see a whole version: the last rename wins. Writes to one path are
 * queued so the `expectedSha256` check and the rename happen together.
 */
import type { Stats } from "node:fs";
import { lstat, open, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { MAX_WRITE_BYTES } from "@att/shared";
import { REDACTED, wouldOverwriteSecrets } from "../../security/redact.ts";
import { emitEvent, type Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { type JailedPath, makeParentDirectories } from "../jail.ts";
import { sha256 } from "./content.ts";
import { jailInProject } from "./project.ts";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const codeWrite: Operation<"code.write"> = async (params, context) => {
  const bytes = decodeContent(params.content, params.encoding);
  if (bytes.length > MAX_WRITE_BYTES) {
    throw new OperationError(
      "payload_too_large",
      `${bytes.length} bytes is over the ${MAX_WRITE_BYTES}-byte write limit`,
    );
  }
  const jailed = await jailInProject(context, params.projectId, params.path, { mode: "write" });
  const result = await oneWriterAtATime(jailed.absolute, async () => {
    const existing = await lstat(jailed.absolute).catch(() => null);
    if (existing?.isDirectory()) throw new OperationError("bad_request", `'${params.path}' is a directory`);
    if (existing !== null && !existing.isFile()) {
      throw new OperationError("bad_request", `'${params.path}' is not a regular file`);
    }
    if (params.expectedSha256 !== undefined) await checkExpected(jailed, existing, params.expectedSha256);
    if (existing !== null) await refuseRedactedOverwrite(jailed, bytes);
    await makeParentDirectories(jailed);
    await replaceFile(jailed.absolute, bytes, existing);
    return { path: jailed.relative, size: bytes.length, sha256: sha256(bytes), created: existing === null };
  });
  emitEvent(context, { projectId: params.projectId, type: "code.changed", payload: { ...result } });
  return result;
};

function decodeContent(content: string, encoding: "utf8" | "base64"): Buffer {
  if (encoding === "utf8") return Buffer.from(content, "utf8");
  // Buffer.from silently skips bad characters; refuse them instead of writing something else.
  if (!BASE64.test(content)) throw new OperationError("bad_request", "content is not valid base64");
  return Buffer.from(content, "base64");
}

async function checkExpected(jailed: JailedPath, existing: Stats | null, expected: string | null): Promise<void> {
  if (expected === null) {
    if (existing !== null) throw new OperationError("conflict", `'${jailed.relative}' already exists`);
    return;
  }
  if (existing === null) {
    throw new OperationError("conflict", `'${jailed.relative}' no longer exists`, { expected, actual: null });
  }
  const actual = sha256(await readFile(jailed.absolute));
  if (actual !== expected) {
    throw new OperationError("conflict", `'${jailed.relative}' changed since it was read`, { expected, actual });
  }
}

/**
 * Files reach the control plane with their secrets redacted; saving such a
 * copy back would replace the secrets with the placeholder. Refused.
 */
async function refuseRedactedOverwrite(jailed: JailedPath, bytes: Buffer): Promise<void> {
  const next = bytes.toString("utf8");
  if (!next.includes(REDACTED)) return;
  if (!wouldOverwriteSecrets((await readFile(jailed.absolute)).toString("utf8"), next)) return;
  throw new OperationError(
    "precondition_failed",
    `'${jailed.relative}' holds secrets the agent sent as ${REDACTED}; saving this content would replace them with the placeholder. Edit the file on the agent's machine, or send the real values`,
    { reason: "would_overwrite_secrets" },
  );
}

async function replaceFile(target: string, bytes: Buffer, existing: Stats | null): Promise<void> {
  const temp = path.join(path.dirname(target), `.att-write-${crypto.randomUUID()}.tmp`);
  try {
    const handle = await open(temp, "wx", existing === null ? 0o666 : existing.mode & 0o7777);
    try {
      if (existing !== null) await handle.chmod(existing.mode & 0o7777); // keep the mode whatever the umask
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task for the same path has settled. */
async function oneWriterAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await run;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
