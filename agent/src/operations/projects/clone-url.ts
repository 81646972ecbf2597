/**
 * Which clone sources ATT accepts, and keeping credentials out of messages.
 * Git's `ext::` and `fd::` transports run commands, and a URL starting with
 * `-` would be read as an option, so only plain sources pass.
 */
import { OperationError } from "../errors.ts";

export type CloneSourceKind = "https" | "ssh" | "scp" | "file" | "path";

const SCP_LIKE = /^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:(?!\/\/)\S+$/;
const TRANSPORT_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const ACCEPTED = "https://, ssh://, git@host:path, file:// or an absolute local path";

/** Classifies `url`, or throws bad_request for anything ATT does not clone from. */
export function checkCloneUrl(url: string): CloneSourceKind {
  const refuse = (why: string): never => {
    throw new OperationError("bad_request", `cannot clone from '${redact(url)}': ${why}; use ${ACCEPTED}`);
  };
  if (url.startsWith("-")) return refuse("it starts with '-'");
  if (/[\p{Cc}\s]/u.test(url)) return refuse("it contains whitespace or control characters");
  if (TRANSPORT_PREFIX.test(url)) return refuse("git transports written as '<name>::' are not allowed");
  if (url.startsWith("/")) return "path";
  if (SCP_LIKE.test(url)) return "scp";
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === "https" || scheme === "ssh" || scheme === "file") {
    if (!URL.canParse(url)) return refuse("it is not a valid URL");
    return scheme;
  }
  return refuse(scheme === undefined ? "it is neither a URL nor an absolute path" : `'${scheme}://' is not allowed`);
}

/** Hides the user-info part (`user:token@`) of any URL in `text`. */
export function redact(text: string): string {
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/\s]*@/g, "$1***@");
}

/**
 * The URL to keep as `origin`: an https URL loses its user-info (often a
 * token, which would otherwise sit in .git/config and travel as gitRemote);
 * ssh user names are not secrets and stay.
 */
export function remoteToKeep(url: string, kind: CloneSourceKind): string {
  if (kind !== "https") return url;
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

/** The repository's name: the last path segment without `.git`. */
export function repositoryName(url: string): string {
  const trimmed = url.replace(/[/\\]+$/, "").replace(/\.git$/i, "");
  return trimmed.split(/[/:]/).at(-1) ?? "";
}
