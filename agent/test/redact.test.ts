/**
 * Secret redaction on its own: known values (tokens, secret-named variables,
 * projects' `.env` files, re-read when they change) and token shapes never
 * survive in any text around them; ordinary values are left alone; and the
 * agent's log lines, written by a real agent process module, are redacted.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { DotEnvSecrets } from "../src/security/dotenv-secrets.ts";
import {
  configureRedaction,
  REDACTED,
  redactText,
  stringifyRedacted,
  wouldOverwriteSecrets,
} from "../src/security/redact.ts";

const base = mkdtempSync(path.join(os.tmpdir(), "att-redact-"));
const projects = path.join(base, "projects");
const demo = path.join(projects, "demo");
mkdirSync(demo, { recursive: true });
afterAll(() => rmSync(base, { recursive: true, force: true }));

// Token-shaped test values are assembled at run time, so no source file holds one.
const SHAPED = {
  github: `ghp_${"a1B2c3D4e5".repeat(4)}`,
  githubPat: `github_pat_${"11ABCDEFG0".repeat(5)}`,
  nvidia: `nvapi-${"Zx9_Yw8-Vu".repeat(4)}`,
  openai: `sk-proj-${"q1w2e3r4t5".repeat(3)}`,
  aws: `AKIA${"ABCD1234".repeat(2)}`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.${"s1gn4tur3x".repeat(2)}`,
};
const AGENT_TOKEN = "agent-token-7c1e9f0a";
const ENV_SECRET = "env-secret-b5d2e8c1";
const DOTENV_SECRET = "dotenv-Secret-9f8e7d6c";

function configure(): void {
  writeFileSync(
    path.join(demo, ".env"),
    [
      `API_KEY=${DOTENV_SECRET}`,
      "DB_URL=postgres://app:hunter2hunter2@db:5432/app",
      "NAT_MODE=production",
      "PORT=8080",
      "DEBUG=true",
      "APP_TITLE=My demo app",
      `DATA_DIR=${path.join(base, "data")}`,
      "PUBLIC_URL=http://localhost:8000/api",
      "SHORT=abc",
    ].join("\n"),
  );
  configureRedaction({
    tokens: [AGENT_TOKEN, null, "short"],
    env: { MY_SERVICE_TOKEN: ENV_SECRET, HOME: "/home/someone", FEATURE_KEY: "on", PATH: "/usr/bin:/bin" },
    projectsDir: projects,
  });
}

beforeEach(configure);

/** Text a secret cannot merge into (shapes need a boundary; literals do not). */
const around = fc.string({ unit: "grapheme", maxLength: 40 });
const delimiter = fc.constantFrom(" ", "\n", "\t", '"', "'", "=", ":", ",", "(", ")", "[", "]", "<", ">");

describe("redactText", () => {
  it("never lets a known value survive, whatever surrounds it", () => {
    stringifyRedacted({}); // reads the .env files
    const known = fc.constantFrom(AGENT_TOKEN, ENV_SECRET, DOTENV_SECRET, "postgres://app:hunter2hunter2@db:5432/app");
    fc.assert(
      fc.property(around, known, around, (before, secret, after) => {
        expect(redactText(`${before}${secret}${after}`)).not.toContain(secret);
      }),
      { numRuns: 500 },
    );
  });

  it("never lets a token-shaped string survive between delimiters", () => {
    fc.assert(
      fc.property(
        around,
        delimiter,
        fc.constantFrom(...Object.values(SHAPED)),
        delimiter,
        around,
        (a, d1, t, d2, b) => {
          const out = redactText(`${a}${d1}${t}${d2}${b}`);
          expect(out).not.toContain(t);
          expect(out).toContain(REDACTED);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("finds distinctive tokens glued to other text, and Bearer credentials and private keys", () => {
    expect(redactText(`token=x${SHAPED.github}`)).toBe(`token=x${REDACTED}`);
    expect(redactText("Authorization: Bearer 0a1b2c3d4e5f6a7b8c9d")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText("Bearer tokens are described in RFC 6750")).toBe("Bearer tokens are described in RFC 6750");
    const key = [
      "-----BEGIN OPENSSH PRIVATE KEY-----",
      "b3BlbnNzaC1rZXktdjEAAAAA",
      "-----END OPENSSH PRIVATE KEY-----",
    ];
    expect(redactText(`before\n${key.join("\n")}\nafter`)).toBe(`before\n${REDACTED}\nafter`);
    // A key cut off at the end of a chunk is redacted to the end.
    expect(redactText(`x ${key.slice(0, 2).join("\n")}`)).toBe(`x ${REDACTED}`);
  });

  it("leaves ordinary values alone", () => {
    stringifyRedacted({});
    const text = `production 8080 true My demo app ${path.join(base, "data")} http://localhost:8000/api abc short on sk-short task-runner-with-a-long-name`;
    expect(redactText(text)).toBe(text);
  });
});

/** What `stringifyRedacted` makes of `value` once it settles (a change is noticed by a watch, asynchronously). */
async function settled(value: unknown, expected: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  let text = stringifyRedacted(value);
  while (text !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    text = stringifyRedacted(value);
  }
  return text;
}

describe("the .env values", () => {
  it("are re-read when a project's .env changes, and forgotten when it goes", async () => {
    expect(stringifyRedacted({ text: `v=${DOTENV_SECRET}` })).toBe(`{"text":"v=${REDACTED}"}`);
    const rotated = "rotated-Secret-1a2b3c4d";
    writeFileSync(path.join(demo, ".env"), `API_KEY=${rotated}\n`);
    expect(await settled({ text: rotated }, `{"text":"${REDACTED}"}`)).toBe(`{"text":"${REDACTED}"}`);
    // A new project's .env.local counts too; examples hold placeholders only.
    const fresh = path.join(projects, "fresh");
    mkdirSync(fresh);
    writeFileSync(path.join(fresh, ".env.local"), "SECRET=fresh-Secret-5e6f7a8b\n");
    writeFileSync(path.join(fresh, ".env.example"), "SECRET=placeholder-value-here\n");
    const both = ["fresh-Secret-5e6f7a8b", "placeholder-value-here"];
    expect(await settled(both, `["${REDACTED}","placeholder-value-here"]`)).toBe(
      `["${REDACTED}","placeholder-value-here"]`,
    );
    rmSync(path.join(demo, ".env"));
    expect(await settled(rotated, `"${rotated}"`)).toBe(`"${rotated}"`);
  });

  it("are compared once a second even without a change notice", () => {
    const secrets = new DotEnvSecrets(projects);
    try {
      secrets.refresh(0);
      secrets.close(); // no watches: only the timed comparison is left
      expect(secrets.values()).toContain(DOTENV_SECRET);
      const next = "next-Secret-0f1e2d3c";
      writeFileSync(path.join(demo, ".env"), `API_KEY=${next}\n`);
      expect(secrets.refresh(500)).toBe(false);
      expect(secrets.values()).not.toContain(next);
      expect(secrets.refresh(1500)).toBe(true);
      expect(secrets.values()).toContain(next);
      expect(secrets.values()).not.toContain(DOTENV_SECRET);
    } finally {
      secrets.close();
    }
  });
});

describe("wouldOverwriteSecrets", () => {
  it("is true only when new placeholders would replace secrets on disk", () => {
    stringifyRedacted({});
    const onDisk = `API_KEY=${DOTENV_SECRET}\n`;
    expect(wouldOverwriteSecrets(onDisk, `API_KEY=${REDACTED}\n`)).toBe(true);
    expect(wouldOverwriteSecrets(onDisk, `API_KEY=${DOTENV_SECRET}\nMORE=1\n`)).toBe(false);
    // A file that only talks about the placeholder (like this test) can be saved.
    expect(wouldOverwriteSecrets(`say ${REDACTED}\n`, `say ${REDACTED} twice ${REDACTED}\n`)).toBe(false);
  });
});

describe("the agent's log lines", () => {
  it("are redacted by the log module in a real process", () => {
    const logModule = fileURLToPath(new URL("../src/log.ts", import.meta.url));
    const redactModule = fileURLToPath(new URL("../src/security/redact.ts", import.meta.url));
    const script = [
      `import { log } from ${JSON.stringify(logModule)};`,
      `import { configureRedaction } from ${JSON.stringify(redactModule)};`,
      `configureRedaction({ tokens: [process.env.ATT_AGENT_TOKEN], env: process.env, projectsDir: ${JSON.stringify(projects)} });`,
      `log("warn", "link error: token " + process.env.ATT_AGENT_TOKEN, { detail: "key ${DOTENV_SECRET}", gh: ${JSON.stringify(SHAPED.github)} });`,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH ?? "", ATT_AGENT_TOKEN: AGENT_TOKEN },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    const line = JSON.parse(run.stderr) as { message: string; detail: string; gh: string };
    expect(line).toMatchObject({ message: `link error: token ${REDACTED}`, detail: `key ${REDACTED}`, gh: REDACTED });
    expect(run.stderr).not.toContain(AGENT_TOKEN);
    expect(run.stderr).not.toContain(DOTENV_SECRET);
  });
});
