/** The readers behind tests.run: the XML reader, pytest's JUnit report and printed test summaries. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readJunit } from "../src/operations/tests/junit.ts";
import { countsFromSummary } from "../src/operations/tests/npm-summary.ts";
import { descendants, parseXml, XmlError } from "../src/operations/tests/xml.ts";

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

describe("parseXml", () => {
  it("reads elements, attributes, entities, CDATA and skips prolog and comments", () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE r>\n<!-- note --><r a="1 &amp; 2" b='x&#10;y' c="line\nbreak"><e>&lt;t&gt; &#x41;&quot;</e><e/><f><![CDATA[<raw> & ]]]></f></r>`,
    );
    expect(root.name).toBe("r");
    expect(root.attributes).toEqual({ a: "1 & 2", b: "x\ny", c: "line break" });
    expect(root.children.map((child) => child.name)).toEqual(["e", "e", "f"]);
    expect(root.children[0]?.text).toBe('<t> A"');
    expect(root.children[2]?.text).toBe("<raw> & ]");
    expect(descendants(root, "e")).toHaveLength(2);
  });

  it("refuses malformed documents", () => {
    for (const bad of [
      "<a><b></a>",
      "<a>",
      "<a></a><b></b>",
      "",
      "<a x=1></a>",
      '<a x="1" x="2"/>',
      "<a><![CDATA[x</a>",
    ]) {
      expect(() => parseXml(bad), bad).toThrow(XmlError);
    }
  });

  it("gives back any attribute value it was given, escaped", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (value) => {
        expect(parseXml(`<t v="${escapeAttribute(value)}"/>`).attributes.v).toBe(value);
      }),
    );
  });
});

describe("readJunit", () => {
  const root = "/work/project";
  const report = (cases: string) =>
    `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">${cases}</testsuite></testsuites>`;

  it("names tests by pytest node id, classes included", () => {
    const { counts, failures } = readJunit(
      report(
        `<testcase classname="tests.test_a.TestThing" name="test_x[1-2]" file="tests/test_a.py" line="4"><failure message="boom">tests/test_a.py:7: AssertionError</failure></testcase>` +
          `<testcase classname="tests.test_a" name="test_y" file="tests/test_a.py" line="9"/>`,
      ),
      { root, xpassed: [] },
    );
    expect(counts).toMatchObject({ total: 2, passed: 1, failed: 1 });
    expect(failures).toEqual([
      {
        id: "tests/test_a.py::TestThing::test_x[1-2]",
        kind: "failure",
        message: "boom",
        traceback: "tests/test_a.py:7: AssertionError",
        file: "tests/test_a.py",
        line: 7,
      },
    ]);
  });

  it("tells xfail, xpass (from -rX lines) and skip apart, and falls back to the test's own line", () => {
    const { counts, failures } = readJunit(
      report(
        `<testcase classname="t" name="a" file="t.py" line="0"><skipped type="pytest.xfail" message="bug"/></testcase>` +
          `<testcase classname="t" name="b" file="t.py" line="3"/>` +
          `<testcase classname="t" name="c" file="t.py" line="6"><skipped type="pytest.skip" message="no">t.py:6: no</skipped></testcase>` +
          `<testcase classname="t" name="d" file="t.py" line="9"><error message="failed on setup">/usr/lib/x.py:1: E</error></testcase>`,
      ),
      { root, xpassed: ["t.py::b - fixed"] },
    );
    expect(counts).toEqual({ total: 4, passed: 0, failed: 0, skipped: 1, errors: 1, xfailed: 1, xpassed: 1 });
    expect(failures[0]).toMatchObject({ id: "t.py::d", kind: "error", file: "t.py", line: 10 });
  });
});

describe("countsFromSummary", () => {
  it("reads node's test runner, Jest and Mocha summaries", () => {
    expect(countsFromSummary(["ℹ tests 3", "ℹ suites 0", "ℹ pass 2", "ℹ fail 1", "ℹ skipped 0"])).toMatchObject({
      total: 3,
      passed: 2,
      failed: 1,
    });
    expect(countsFromSummary(["Tests:       1 failed, 1 skipped, 2 passed, 4 total"])).toMatchObject({
      total: 4,
      passed: 2,
      failed: 1,
      skipped: 1,
    });
    expect(countsFromSummary(["  5 passing (20ms)", "  1 pending", "  2 failing"])).toMatchObject({
      total: 8,
      passed: 5,
      failed: 2,
      skipped: 1,
    });
    expect(countsFromSummary(["all good", "done"])).toBeNull();
  });
});
