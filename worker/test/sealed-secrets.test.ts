/**
 * Secrets the hub stores are sealed at rest (worker/src/hub/sealed.ts): the
 * sealing itself (properties over generated values, tampering, other keys),
 * and the real workspace Durable Object, whose SQLite is read raw after a
 * registration to prove no secret is in it anywhere, while answers show the
 * mask. Rows written before sealing existed keep working and get sealed.
 */
import { env, runInDurableObject } from "cloudflare:test";
import type { McpServer } from "@att/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Env } from "../src/env.ts";
import { maskHeaderValue } from "../src/hub/mask.ts";
import {
  isSealed,
  NoSecretKey,
  SEALED_PREFIX,
  SecretSealer,
  SecretUnreadable,
  secretKeyMaterial,
  storedMask,
} from "../src/hub/sealed.ts";
import type { WorkspaceApi } from "../src/routes/common.ts";
import type { Outcome } from "../src/workspace/outcome.ts";

/** Nothing listens on port 1: a real connection that is refused. */
const CLOSED = "http://127.0.0.1:1/mcp";
const bindings = env as Pick<Env, "WORKSPACE" | "ATT_SECRET_KEY" | "ATT_TOKEN">;
/** The key the workspace under test uses (ATT_TOKEN here: the tests set no ATT_SECRET_KEY). */
const sealer = new SecretSealer(secretKeyMaterial(bindings));

/** Any string the JSON API could carry, astral characters and a leading U+FEFF included. */
const value = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "binary" }).map((s) => `\uFEFF${s}`),
);

describe("sealing", () => {
  it("reveal gives back exactly what was sealed, and the stored mask is the plaintext's", async () => {
    await fc.assert(
      fc.asyncProperty(value, async (plain) => {
        const sealed = await sealer.seal(plain);
        expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
        expect(await sealer.reveal(sealed)).toBe(plain);
        expect(storedMask(sealed)).toBe(maskHeaderValue(plain));
      }),
      { numRuns: 200 },
    );
  });

  it("sealing the same value twice gives different strings (a fresh IV each time)", async () => {
    await fc.assert(
      fc.asyncProperty(value, async (plain) => {
        const [a, b] = [await sealer.seal(plain), await sealer.seal(plain)];
        expect(a).not.toBe(b);
        expect(await sealer.reveal(b)).toBe(plain);
      }),
      { numRuns: 100 },
    );
  });

  it("a sealed value does not contain its secret, nor the part after the auth scheme", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 16, maxLength: 200 }), async (token) => {
        const sealed = await sealer.seal(`Bearer ${token}`);
        expect(sealed).not.toContain(token);
      }),
    );
  });

  it("another key, an edited mask or a damaged value cannot be read, and says to re-register", async () => {
    const sealed = await sealer.seal("Bearer sk-sealed-0123456789abcd");
    await expect(new SecretSealer("another key").reveal(sealed)).rejects.toThrow(SecretUnreadable);
    await expect(new SecretSealer(undefined).reveal(sealed)).rejects.toThrow(/re-register this server/);
    const [, , mask, payload] = sealed.split(":");
    const otherMask = btoa("Bearer ****zzzz").replace(/=+$/, "");
    await expect(sealer.reveal(`${SEALED_PREFIX}${otherMask}:${payload}`)).rejects.toThrow(SecretUnreadable);
    const flipped = `${payload?.slice(0, -2)}${payload?.endsWith("A") ? "B" : "A"}${payload?.slice(-1)}`;
    await expect(sealer.reveal(`${SEALED_PREFIX}${mask}:${flipped}`)).rejects.toThrow(SecretUnreadable);
    await expect(sealer.reveal(`${SEALED_PREFIX}${mask}:!!`)).rejects.toThrow(SecretUnreadable);
    await expect(sealer.reveal(`${SEALED_PREFIX}${mask}`)).rejects.toThrow(SecretUnreadable);
  });

  it("input that looks sealed is sealed all the same; stored values are sealed only once", async () => {
    const lookalike = `${SEALED_PREFIX}QmVhcmVy:AAAA`;
    const sealed = await sealer.sealAll({ "X-Odd": lookalike });
    expect(sealed["X-Odd"]).not.toBe(lookalike);
    expect(await sealer.revealAll(sealed)).toEqual({ "X-Odd": lookalike });
    const once = await sealer.sealPlaintext({ ...sealed, "X-Old": "plain-0123456789" });
    expect(once["X-Odd"]).toBe(sealed["X-Odd"]);
    expect(await sealer.revealAll(once)).toEqual({ "X-Odd": lookalike, "X-Old": "plain-0123456789" });
  });

  it("a value without the prefix is plaintext from before sealing, used as it is", async () => {
    expect(await sealer.reveal("Bearer legacy-0123456789")).toBe("Bearer legacy-0123456789");
    expect(storedMask("Bearer legacy-0123456789")).toBe("Bearer ****6789");
  });

  it("without any key material nothing is sealed", async () => {
    expect(secretKeyMaterial({ ATT_SECRET_KEY: "", ATT_TOKEN: "" })).toBeUndefined();
    expect(secretKeyMaterial({ ATT_SECRET_KEY: "k", ATT_TOKEN: "t" })).toBe("k");
    expect(secretKeyMaterial({ ATT_TOKEN: "t" })).toBe("t");
    await expect(new SecretSealer(undefined).seal("x")).rejects.toThrow(NoSecretKey);
  });
});

/** A fresh workspace Durable Object for one test. */
function freshWorkspace() {
  const stub = bindings.WORKSPACE.get(bindings.WORKSPACE.idFromName(`sealed-${crypto.randomUUID()}`));
  return {
    /** Its RPC methods, typed as the routes call them (routes/common.ts). */
    workspace: stub as unknown as WorkspaceApi,
    /** Every row of every table (the event log included), as text: what is at rest. */
    dump: () =>
      runInDurableObject(stub, (_instance, state) => {
        const sql = state.storage.sql;
        const tables = sql
          .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
          .toArray()
          .map((row) => row.name)
          // workerd's own metadata table cannot be read (SQLITE_AUTH) and holds none of ours.
          .filter((name) => !name.startsWith("_cf_"));
        return JSON.stringify(tables.map((table) => sql.exec(`SELECT * FROM "${table}"`).toArray()));
      }),
    serverRow: (id: string) =>
      runInDurableObject(stub, (_instance, state) => {
        const row = state.storage.sql
          .exec<{ headers: string; env: string }>("SELECT headers, env FROM mcp_servers WHERE id = ?", id)
          .one();
        return {
          headers: JSON.parse(row.headers) as Record<string, string>,
          env: JSON.parse(row.env) as Record<string, string>,
        };
      }),
    setColumn: (id: string, column: "headers" | "env", values: Record<string, string>) =>
      runInDurableObject(stub, (_instance, state) => {
        state.storage.sql.exec(`UPDATE mcp_servers SET ${column} = ? WHERE id = ?`, JSON.stringify(values), id);
      }),
  };
}

function succeeded<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

describe("the workspace's SQLite holds no secret", () => {
  const token = "sk-at-rest-0123456789-abcd";
  const apiKey = "k3y-at-rest-9876543210-wxyz";

  it("an HTTP server's headers are sealed in the row; the answer and the list show only the mask", async () => {
    const { workspace, dump, serverRow } = freshWorkspace();
    const server = succeeded<McpServer>(
      await workspace.addMcpServer(
        { name: "sealed-http", url: CLOSED, headers: { Authorization: `Bearer ${token}`, "X-Api-Key": apiKey } },
        crypto.randomUUID(),
      ),
    );
    expect(server.headers).toEqual({ Authorization: "Bearer ****abcd", "X-Api-Key": "****wxyz" });
    // The check ran with the revealed headers and failed on the connection, not on the secrets.
    expect(server.error).toContain("connection refused");

    const atRest = await dump();
    expect(atRest).toContain("sealed-http");
    expect(atRest).not.toContain(token);
    expect(atRest).not.toContain(apiKey);
    expect(atRest).not.toContain("0123456789");

    const row = await serverRow(server.id);
    expect(Object.values(row.headers).every(isSealed)).toBe(true);
    expect(await sealer.revealAll(row.headers)).toEqual({ Authorization: `Bearer ${token}`, "X-Api-Key": apiKey });

    const listed = JSON.stringify(await workspace.mcpServers());
    expect(listed).not.toContain(token);
    expect(listed).not.toContain(SEALED_PREFIX);
    expect(listed).toContain("Bearer ****abcd");
  });

  it("a stdio server's env is sealed in the row; the answer shows only the mask", async () => {
    const { workspace, dump, serverRow } = freshWorkspace();
    const server = succeeded<McpServer>(
      await workspace.addMcpServer(
        { name: "sealed-stdio", transport: "stdio", command: "/bin/true", env: { API_KEY: apiKey } },
        crypto.randomUUID(),
      ),
    );
    expect(server.env).toEqual({ API_KEY: "****wxyz" });
    // No agent is linked in this workspace: the check fails for that reason.
    expect(server.error).toContain("no agent is linked");
    const atRest = await dump();
    expect(atRest).toContain("sealed-stdio");
    expect(atRest).not.toContain(apiKey);
    const row = await serverRow(server.id);
    expect(await sealer.revealAll(row.env)).toEqual({ API_KEY: apiKey });
  });

  it("a plaintext row from before sealing still works, shows its mask, and its next check seals it", async () => {
    const { workspace, dump, serverRow, setColumn } = freshWorkspace();
    const server = succeeded<McpServer>(
      await workspace.addMcpServer({ name: "legacy", url: CLOSED }, crypto.randomUUID()),
    );
    await setColumn(server.id, "headers", { Authorization: `Bearer ${token}` });
    expect(await dump()).toContain(token);
    const listed = (await workspace.mcpServers()).servers.find((s) => s.id === server.id);
    expect(listed?.headers).toEqual({ Authorization: "Bearer ****abcd" });

    const checked = succeeded<McpServer>(await workspace.checkMcpServer(server.id, crypto.randomUUID()));
    expect(checked.error).toContain("connection refused");
    expect(checked.headers).toEqual({ Authorization: "Bearer ****abcd" });
    expect(await dump()).not.toContain(token);
    const row = await serverRow(server.id);
    expect(isSealed(row.headers.Authorization ?? "")).toBe(true);
    expect(await sealer.revealAll(row.headers)).toEqual({ Authorization: `Bearer ${token}` });
  });

  it("a secret sealed under another key fails the check with a clear reason, not a crash", async () => {
    const { workspace, setColumn } = freshWorkspace();
    const server = succeeded<McpServer>(
      await workspace.addMcpServer({ name: "rekeyed", url: CLOSED }, crypto.randomUUID()),
    );
    await setColumn(server.id, "headers", {
      Authorization: await new SecretSealer("the previous ATT_TOKEN").seal(`Bearer ${token}`),
    });
    const checked = succeeded<McpServer>(await workspace.checkMcpServer(server.id, crypto.randomUUID()));
    expect(checked.status).toBe("degraded");
    expect(checked.error).toMatch(/^re-register this server: its stored secrets cannot be read with the current key/);
    // The mask it carries is still shown.
    expect(checked.headers).toEqual({ Authorization: "Bearer ****abcd" });
  });
});
