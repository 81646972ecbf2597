/** The Access panel's helpers: role caps, where a credential stands, recognising this browser's token, the agent command. */
import { describe, expect, it } from "vitest";
import { agentCommand, capsUpTo, credentialState, matchesPrefix, ROLES } from "../src/lib/settings/access.ts";

describe("access helpers", () => {
  it("lists roles lowest first and offers no cap above the caller's role", () => {
    expect(ROLES).toEqual(["viewer", "editor", "owner"]);
    expect(capsUpTo("viewer")).toEqual(["viewer"]);
    expect(capsUpTo("editor")).toEqual(["viewer", "editor"]);
    expect(capsUpTo("owner")).toEqual(["viewer", "editor", "owner"]);
  });

  it("calls a credential revoked before expired, and expired only once its time has come", () => {
    const now = Date.parse("2026-11-10T12:00:00Z");
    const past = "2026-11-10T11:59:59Z";
    const future = "2026-11-10T12:00:01Z";
    expect(credentialState({ revokedAt: null, expiresAt: future }, now)).toBe("active");
    expect(credentialState({ revokedAt: null, expiresAt: past }, now)).toBe("expired");
    expect(credentialState({ revokedAt: null, expiresAt: "2026-11-10T12:00:00Z" }, now)).toBe("expired");
    expect(credentialState({ revokedAt: past, expiresAt: past }, now)).toBe("revoked");
    // Agent pairings never expire.
    expect(credentialState({ revokedAt: null }, now)).toBe("active");
    expect(credentialState({ revokedAt: null, expiresAt: null }, now)).toBe("active");
  });

  it("recognises the token a listing shows by its prefix, and nothing else", () => {
    expect(matchesPrefix("attp_AbCdEfGh", "attp_AbCd…")).toBe(true);
    expect(matchesPrefix("attp_AbCxEfGh", "attp_AbCd…")).toBe(false);
    expect(matchesPrefix(null, "attp_AbCd…")).toBe(false);
    expect(matchesPrefix("anything", "…")).toBe(false);
  });

  it("builds the command that starts a paired agent", () => {
    expect(agentCommand("https://att.example.com", "atta_x")).toBe(
      "ATT_SERVER=https://att.example.com ATT_AGENT_TOKEN=atta_x npx att-agent",
    );
  });
});
