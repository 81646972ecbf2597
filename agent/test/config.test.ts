import { describe, expect, it } from "vitest";
import { ConfigError, linkUrl, readConfig } from "../src/config.ts";

describe("readConfig", () => {
  it("reads the environment, and flags win over it", () => {
    const config = readConfig(["--server", "https://att.example.com"], {
      ATT_AGENT_TOKEN: "pair",
      ATT_SERVER: "http://127.0.0.1:1",
      ATT_PROJECTS_DIR: "/tmp/p",
    });
    expect(config).toMatchObject({ server: "https://att.example.com", token: "pair", projectsDir: "/tmp/p" });
  });

  it("defaults the server to ATT_PORT on 127.0.0.1", () => {
    expect(readConfig([], { ATT_AGENT_TOKEN: "t", ATT_PORT: "8799" }).server).toBe("http://127.0.0.1:8799");
  });

  it("reads the GitHub token (GITHUB_TOKEN before GH_TOKEN) and API URL", () => {
    expect(readConfig([], { ATT_AGENT_TOKEN: "t" }).github).toEqual({ token: null, apiUrl: "https://api.github.com" });
    expect(readConfig([], { ATT_AGENT_TOKEN: "t", GH_TOKEN: "gh", GITHUB_TOKEN: "" }).github.token).toBe("gh");
    const config = readConfig([], {
      ATT_AGENT_TOKEN: "t",
      GH_TOKEN: "gh",
      GITHUB_TOKEN: "ghp",
      ATT_GITHUB_API_URL: "http://127.0.0.1:9",
    });
    expect(config.github).toEqual({ token: "ghp", apiUrl: "http://127.0.0.1:9" });
  });

  it("explains what is missing or wrong", () => {
    expect(() => readConfig([], {})).toThrow(/ATT_AGENT_TOKEN/);
    expect(() => readConfig(["--bogus", "1"], { ATT_AGENT_TOKEN: "t" })).toThrow(ConfigError);
    expect(() => readConfig(["--token"], {})).toThrow(/needs a value/);
    expect(() => readConfig([], { ATT_AGENT_TOKEN: "t", ATT_HEARTBEAT_INTERVAL_MS: "soon" })).toThrow(
      /positive whole number/,
    );
  });
});

describe("linkUrl", () => {
  it("uses ws:// locally and wss:// when hosted", () => {
    expect(linkUrl("http://127.0.0.1:8787")).toBe("ws://127.0.0.1:8787/api/v1/agent/ws");
    expect(linkUrl("https://att.example.com")).toBe("wss://att.example.com/api/v1/agent/ws");
    expect(() => linkUrl("ftp://x")).toThrow(ConfigError);
  });
});
