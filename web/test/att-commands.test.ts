/** The ATT mode command interpreter: requests in plain English to plans of ATT operations. */
import { describe, expect, it } from "vitest";
import {
  describeStep,
  type InterpretContext,
  interpret,
  KNOWN_COMMANDS,
  splitClauses,
} from "../src/lib/chat/att-commands.ts";

const TEMPLATES = [
  { id: "empty", title: "Empty", available: true },
  { id: "chatbot", title: "Chatbot", available: true },
  { id: "tool_calling_agent", title: "Tool-calling agent", available: true },
  { id: "rag", title: "RAG starter", available: true },
  { id: "mcp_server", title: "MCP server", available: true },
  { id: "nat_workflow_create", title: "nat workflow create", available: false },
];
const CURRENT = { id: "p_1", name: "hello_bot" };
const context: InterpretContext = {
  templates: TEMPLATES,
  projectNames: ["hello_bot", "other", "chatbot_app"],
  current: CURRENT,
};

describe("splitClauses", () => {
  it("splits on and, then, commas and sentence ends, and drops politeness", () => {
    expect(splitClauses("Please create a project from the chatbot template and run it.")).toEqual([
      "create a project from the chatbot template",
      "run it",
    ]);
    expect(splitClauses("build a release, then deploy; show status")).toEqual([
      "build a release",
      "deploy",
      "show status",
    ]);
    expect(splitClauses("run the tests and then deploy it please")).toEqual(["run the tests", "deploy it"]);
  });

  it("does not split inside names", () => {
    expect(splitClauses("open brand_new")).toEqual(["open brand_new"]);
    expect(splitClauses("open sandbox")).toEqual(["open sandbox"]);
  });
});

describe("interpret", () => {
  it("reads the issue's example: create from a template with a chosen name, then run it", () => {
    expect(interpret("create a project from the chatbot template and run it", context)).toEqual({
      kind: "plan",
      steps: [
        // chatbot_app exists, so the next free name is chosen.
        { op: "create", name: "chatbot_app_2", template: "chatbot", generatedName: true },
        { op: "start", target: { kind: "created", step: 0, name: "chatbot_app_2" } },
      ],
    });
  });

  it("takes the name from 'called', 'named' or 'project <name>'", () => {
    const plans = [
      "create a project called bot2 from the chatbot template and run it",
      "create project bot2 from chatbot then start it",
      "make a chatbot project named bot2 and start the app",
    ].map((text) => interpret(text, context));
    for (const plan of plans) {
      expect(plan).toEqual({
        kind: "plan",
        steps: [
          { op: "create", name: "bot2", template: "chatbot", generatedName: false },
          { op: "start", target: { kind: "created", step: 0, name: "bot2" } },
        ],
      });
    }
  });

  it("knows templates by id and by title, with spaces, dashes or underscores", () => {
    const template = (text: string) => {
      const plan = interpret(text, context);
      return plan.kind === "plan" && plan.steps[0]?.op === "create" ? plan.steps[0].template : plan;
    };
    expect(template("create project demo from rag")).toBe("rag");
    expect(template("create project demo from the rag starter template")).toBe("rag");
    expect(template("create project demo using the tool-calling agent template")).toBe("tool_calling_agent");
    expect(template("create a tool calling agent project called demo")).toBe("tool_calling_agent");
    expect(template("create an mcp server app called demo")).toBe("mcp_server");
    expect(template("create project demo")).toBe("empty");
  });

  it("makes snake_case names and refuses names that cannot be", () => {
    const plan = interpret("create project my-bot from chatbot", context);
    expect(plan).toMatchObject({ kind: "plan", steps: [{ op: "create", name: "my_bot" }] });
    expect(interpret("create project 2bot from chatbot", context)).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("snake_case"),
    });
  });

  it("refuses a name that is taken and an unknown template, saying what exists", () => {
    expect(interpret("create project other from rag", context)).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("already exists"),
    });
    const unknown = interpret("create project demo from the banana template", context);
    expect(unknown).toMatchObject({ kind: "invalid", message: expect.stringContaining("banana") });
    expect(unknown.kind === "invalid" && unknown.message).toContain("chatbot, tool_calling_agent, rag");
  });

  it("acts on the page's project when no project was created or named", () => {
    const target = { kind: "current", ...CURRENT };
    expect(interpret("run the tests", context)).toEqual({ kind: "plan", steps: [{ op: "test", target }] });
    expect(interpret("start the app", context)).toEqual({ kind: "plan", steps: [{ op: "start", target }] });
    expect(interpret("run it", context)).toEqual({ kind: "plan", steps: [{ op: "start", target }] });
    expect(interpret("stop it", context)).toEqual({ kind: "plan", steps: [{ op: "stop", target }] });
    expect(interpret("restart", context)).toEqual({ kind: "plan", steps: [{ op: "restart", target }] });
    expect(interpret("deploy", context)).toEqual({ kind: "plan", steps: [{ op: "deploy", target }] });
    expect(interpret("build a release", context)).toEqual({ kind: "plan", steps: [{ op: "build", target }] });
    expect(interpret("show status", context)).toEqual({ kind: "plan", steps: [{ op: "status", target }] });
    expect(interpret("What's the status?", context)).toEqual({ kind: "plan", steps: [{ op: "status", target }] });
  });

  it("acts on a named project, which must exist or be created earlier in the plan", () => {
    expect(interpret("run the tests of other", context)).toEqual({
      kind: "plan",
      steps: [{ op: "test", target: { kind: "named", name: "other" } }],
    });
    expect(interpret("stop other's app", context)).toEqual({
      kind: "plan",
      steps: [{ op: "stop", target: { kind: "named", name: "other" } }],
    });
    expect(interpret("open other", context)).toEqual({
      kind: "plan",
      steps: [{ op: "open", target: { kind: "named", name: "other" } }],
    });
    expect(interpret("open hello_bot", context)).toEqual({
      kind: "plan",
      steps: [{ op: "open", target: { kind: "current", ...CURRENT } }],
    });
    expect(interpret("open nowhere", context)).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("no project named “nowhere”"),
    });
    expect(interpret("create project demo from rag, build a release, deploy it and open demo", context)).toEqual({
      kind: "plan",
      steps: [
        { op: "create", name: "demo", template: "rag", generatedName: false },
        { op: "build", target: { kind: "created", step: 0, name: "demo" } },
        { op: "deploy", target: { kind: "created", step: 0, name: "demo" } },
        { op: "open", target: { kind: "created", step: 0, name: "demo" } },
      ],
    });
  });

  it("lists projects and answers help", () => {
    expect(interpret("list projects", context)).toEqual({ kind: "plan", steps: [{ op: "list" }] });
    expect(interpret("show me all my projects", context)).toEqual({ kind: "plan", steps: [{ op: "list" }] });
    expect(interpret("help", context)).toEqual({ kind: "help" });
    expect(interpret("   ", context)).toEqual({ kind: "help" });
  });

  it("says which clauses it did not understand instead of guessing", () => {
    expect(interpret("create a project from the chatbot template and make it sing", context)).toEqual({
      kind: "unknown",
      clauses: ["make it sing"],
    });
    expect(interpret("write me a poem", context)).toEqual({ kind: "unknown", clauses: ["write me a poem"] });
    expect(interpret("start the app of other and bake", context)).toEqual({ kind: "unknown", clauses: ["bake"] });
    expect(interpret("start the big red app", context)).toEqual({
      kind: "unknown",
      clauses: ["start the big red app"],
    });
  });

  it("asks which project when there is none to act on", () => {
    expect(interpret("run the tests", { ...context, current: null })).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("Which project"),
    });
  });
});

describe("describeStep", () => {
  it("names the ATT operation and REST route of every step", () => {
    expect(describeStep({ op: "create", name: "bot2", template: "chatbot", generatedName: false })).toEqual({
      title: "Create project bot2 from the chatbot template",
      operation: "projects.create",
      route: "POST /api/v1/projects",
    });
    expect(describeStep({ op: "start", target: { kind: "named", name: "bot2" } })).toMatchObject({
      operation: "runtime.start",
      route: "POST /api/v1/projects/{id}/runtime/start",
    });
    expect(KNOWN_COMMANDS.map((c) => c.meaning)).toContain("deploy.build");
  });
});
