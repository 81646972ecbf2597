/**
 * Generators of bad input for the fuzz suite: junk text, path segments that
 * try traversal and broken escapes, and request bodies (random JSON, wrong
 * types, huge strings, deep nesting, non-JSON bytes) with wrong content types.
 * Large bodies are generated as small descriptions and built when sent, so a
 * failing case prints short.
 */
import fc from "fast-check";

/** Strings that have broken parsers before: traversal, NUL, escapes, prototype keys, numbers-as-text. */
const NASTY = [
  "",
  " ",
  "..",
  "../..",
  "../../../../etc/passwd",
  "..\\..\\windows",
  "\u0000",
  "a\u0000b",
  "%00",
  "%zz",
  "%",
  "__proto__",
  "constructor",
  "prototype",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "0x10",
  "9007199254740993",
  "true",
  "null",
  "[]",
  "{}",
  "\ud800",
  "\udfff",
  "🙂",
  "e\u0301",
  "\u202e",
  "ｆｕｌｌ",
  "$(id)",
  "`id`",
  "; rm -rf /",
  "<script>alert(1)</script>",
  "$" + "{input.x}",
  "' OR 1=1 --",
  "\r\nX-Injected: 1",
  "a".repeat(5000),
];

/** Names longer than a file system allows (NAME_MAX is 255 bytes; "é" is two). */
export const LONG_NAMES = ["a".repeat(256), "a".repeat(300), "é".repeat(128)];

export const junkText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
);

/** Path segments sent verbatim: raw traversal and escapes, or junk text percent-encoded. */
const RAW_SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%00",
  "a%00b",
  "%zz",
  "%",
  "%e",
  "%ED%A0%80",
  "%C0%AF",
  "%FF",
  "%2F",
  "a%2F..%2Fb",
  "%5C..%5C",
  ";",
  "~",
  "!$&'()*+,=:@",
  "%20",
  "+",
  "a".repeat(300),
  "b".repeat(5000),
];

function encodeSegment(text: string): string {
  // A lone surrogate has no UTF-8 form: send the bytes a careless encoder would (invalid UTF-8).
  return Array.from(text, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return "%ED%A0%80";
    }
  }).join("");
}

export const junkSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...RAW_SEGMENTS),
  junkText.filter((text) => text !== "").map(encodeSegment),
);

/** A multi-segment path (for `files/{path}`), traversal and overlong names included. */
export const junkFilePath: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      junkSegment,
      fc.constantFrom(...LONG_NAMES).map(encodeURIComponent),
      fc.constantFrom("..", "src", "a.py", "README.md"),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((segments) => segments.join("/"));

export const contentType: fc.Arbitrary<string | null> = fc.constantFrom(
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=utf-16",
  "application/problem+json",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/octet-stream",
  "*/*",
  "",
  null,
);

/** A JSON value with the awkward corners: big and tiny numbers, unicode keys, `__proto__` keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(junkText, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.constantFrom(null, 0, -0, 1e308, -1e-308, "", [], {}, { __proto__: { polluted: true } }),
);

/** A value of the wrong type for most fields (or, by chance, the right one). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  junkText,
  fc.constantFrom(...LONG_NAMES, `src/${"b".repeat(256)}/x.py`),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

export type BodySpec =
  | { kind: "json"; value: unknown }
  | { kind: "shaped"; fields: Record<string, unknown> }
  | { kind: "huge"; bytes: number; field: string | null }
  | { kind: "deep"; depth: number; open: "[" | "{"; field: string | null }
  | { kind: "bytes"; data: Uint8Array }
  | { kind: "text"; text: string }
  | { kind: "none" };

/** Bodies for an operation whose schema names `properties`: shaped ones reach deeper into validation. */
export function bodySpec(properties: readonly string[]): fc.Arbitrary<BodySpec> {
  const names = properties.length > 0 ? fc.constantFrom(...properties) : fc.string({ maxLength: 8 });
  return fc.oneof(
    { weight: 3, arbitrary: anyJson.map((value): BodySpec => ({ kind: "json", value })) },
    {
      weight: 5,
      arbitrary: fc
        .dictionary(names, wrongValue, { maxKeys: Math.max(1, properties.length) })
        .map((fields): BodySpec => ({ kind: "shaped", fields })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("huge" as const),
        bytes: fc.constantFrom(70_000, 900_000, 1_048_577, 3_000_000),
        field: fc.option(names, { nil: null }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("deep" as const),
        depth: fc.constantFrom(64, 1_000, 10_000, 200_000),
        open: fc.constantFrom("[" as const, "{" as const),
        field: fc.option(names, { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((data): BodySpec => ({ kind: "bytes", data })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(junkText, fc.constantFrom("{", '{"a":', "[1,]", "{'a':1}", "a=1&b=2", "--fuzz\r\n\r\n", "\ufeff{}"))
        .map((text): BodySpec => ({ kind: "text", text })),
    },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: "none" }) },
  );
}

/** The bytes a spec stands for. */
export function buildBody(spec: BodySpec): string | Uint8Array | undefined {
  switch (spec.kind) {
    case "json":
      return JSON.stringify(spec.value) ?? "null";
    case "shaped":
      return JSON.stringify(spec.fields);
    case "huge": {
      const filler = "x".repeat(spec.bytes);
      return spec.field === null ? JSON.stringify(filler) : JSON.stringify({ [spec.field]: filler });
    }
    case "deep": {
      const close = spec.open === "[" ? "]" : "}";
      const open = spec.open === "[" ? "[" : '{"a":';
      const nested = `${open.repeat(spec.depth)}1${close.repeat(spec.depth)}`;
      return spec.field === null ? nested : `{${JSON.stringify(spec.field)}:${nested}}`;
    }
    case "bytes":
      return spec.data;
    case "text":
      return spec.text;
    case "none":
      return undefined;
  }
}
