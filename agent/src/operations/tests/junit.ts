/**
 * pytest's JUnit XML (junit_family=xunit1, which keeps `file` and `line`) as
 * counts and failures. pytest marks an xfail as `<skipped type="pytest.xfail">`
 * but writes a non-strict xpass as a plain pass, so xpassed node ids come from
 * its `-rX` summary lines instead.
 */
import path from "node:path";
import { boundFailure, MAX_FAILURES } from "./limits.ts";
import { type Counts, emptyCounts, type Failure } from "./types.ts";
import { descendants, parseXml, type XmlElement } from "./xml.ts";

export interface JunitReport {
  counts: Counts;
  failures: Failure[];
  /** Test files pytest could not import, with the error it reported. */
  collectionErrors: Failure[];
}

const COLLECTION_FAILURE = "collection failure";
const XPASS_MESSAGE = "xfail-marked test passes unexpectedly";

/** Parses the report; `root` is the project root (for paths in tracebacks), `xpassed` from `-rX` lines. */
export function readJunit(xml: string, options: { root: string; xpassed: readonly string[] }): JunitReport {
  const counts = emptyCounts();
  const failures: Failure[] = [];
  const collectionErrors: Failure[] = [];
  for (const testcase of descendants(parseXml(xml), "testcase")) {
    counts.total += 1;
    const id = nodeId(testcase);
    const failure = testcase.children.find((child) => child.name === "failure");
    const errors = testcase.children.filter((child) => child.name === "error");
    const skipped = testcase.children.find((child) => child.name === "skipped");
    if (failure !== undefined) {
      counts.failed += 1;
      failures.push(describe(testcase, id, failure, "failure", options.root));
    }
    for (const error of errors) {
      counts.errors += 1;
      const described = describe(testcase, id, error, "error", options.root);
      (error.attributes.message === COLLECTION_FAILURE ? collectionErrors : failures).push(described);
    }
    if (failure !== undefined || errors.length > 0) continue;
    if (skipped?.attributes.type === "pytest.xfail") counts.xfailed += 1;
    else if (skipped?.attributes.message === XPASS_MESSAGE) counts.xpassed += 1;
    else if (skipped !== undefined) counts.skipped += 1;
    else if (options.xpassed.some((line) => line === id || line.startsWith(`${id} `))) counts.xpassed += 1;
    else counts.passed += 1;
  }
  return {
    counts,
    failures: [...collectionErrors, ...failures].slice(0, MAX_FAILURES).map(boundFailure),
    collectionErrors: collectionErrors.map(boundFailure),
  };
}

/** The pytest node id: file, then the classes in `classname` after the module, then the name. */
function nodeId(testcase: XmlElement): string {
  const { classname = "", name = "", file } = testcase.attributes;
  if (file === undefined || file === "") return classname === "" ? name : `${classname}::${name}`;
  const module = file.replace(/\.py$/, "").split("/").join(".");
  // A collection error names the module itself, with an empty classname.
  if (classname === "" && name === module) return file;
  const classes =
    classname === module ? [] : classname.startsWith(`${module}.`) ? classname.slice(module.length + 1).split(".") : [];
  return [file, ...classes, name].join("::");
}

function describe(testcase: XmlElement, id: string, element: XmlElement, kind: Failure["kind"], root: string): Failure {
  const traceback = element.text.trim();
  const collection = element.attributes.message === COLLECTION_FAILURE;
  const message = collection ? lastErrorLine(traceback) : (element.attributes.message ?? lastErrorLine(traceback));
  const where = location(traceback, root) ?? caseLocation(testcase);
  return { id, kind, message, traceback, file: where?.file ?? null, line: where?.line ?? null };
}

/** pytest prefixes the exception lines with "E"; the last one names the exception. */
function lastErrorLine(traceback: string): string {
  const lines = traceback.split("\n").filter((line) => /^E\s/.test(line));
  const last = lines.at(-1);
  return last === undefined ? (traceback.split("\n").at(-1) ?? "") : last.replace(/^E\s+/, "");
}

/**
 * Where it failed: the last `path.py:LINE: ` location of a pytest traceback,
 * or Python's `File "path", line N` (syntax errors); inside the project only.
 */
function location(traceback: string, root: string): { file: string; line: number } | null {
  const candidates: { at: number; file: string; line: number }[] = [];
  for (const pattern of [/^([^\s:][^:\n]*\.py):(\d+): /gm, /File "([^"\n]+\.py)", line (\d+)/g]) {
    for (const match of traceback.matchAll(pattern)) {
      candidates.push({ at: match.index, file: match[1] ?? "", line: Number(match[2]) });
    }
  }
  candidates.sort((a, b) => a.at - b.at);
  const inside = candidates
    .map((candidate) => ({ file: projectRelative(root, candidate.file), line: candidate.line }))
    .filter((candidate): candidate is { file: string; line: number } => candidate.file !== null);
  return inside.at(-1) ?? null;
}

function projectRelative(root: string, file: string): string | null {
  const absolute = path.resolve(root, file);
  const relative = path.relative(root, absolute);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return null;
  return relative.split(path.sep).join("/");
}

/** The test's own location; pytest's `line` is 0-based. */
function caseLocation(testcase: XmlElement): { file: string; line: number | null } | null {
  const { file, line } = testcase.attributes;
  if (file === undefined || file === "") return null;
  const parsed = line === undefined ? Number.NaN : Number(line);
  return { file, line: Number.isInteger(parsed) ? parsed + 1 : null };
}
