/**
 * The terminal's gate on its own: which command lines the default allow-list
 * lets through, which it refuses and why (bypass attempts included), how an
 * owner's list changes that, and redirection and `cd` targets judged against
 * a real project directory with symlinks.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readConfig } from "../src/config.ts";
import { CommandRefused, checkTerminalCommand, judgeCommand } from "../src/security/command-check.ts";
import { allowList, loadAllowList } from "../src/security/terminal-allow.ts";

const defaults = allowList(["default"], "the default list");
const judge = (command: string, list = defaults, bashLike = false) => judgeCommand(command, list, { bashLike });
const refusal = (command: string, list = defaults, bashLike = false): CommandRefused => {
  try {
    judge(command, list, bashLike);
  } catch (error) {
    if (error instanceof CommandRefused) return error;
    throw error;
  }
  throw new Error(`'${command}' was not refused`);
};

describe("the default allow-list", () => {
  it.each([
    'basename "$PWD"; seq 1 3; echo oops >&2; exit 7',
    "seq 1 20000; printf 'no newline at the end'",
    "head -c 300000 /dev/zero | tr '\\0' a; printf END",
    "for i in $(seq 1 7000); do printf '€€€€€€€€€€'; done",
    "pwd -P; env",
    "cat; echo done",
    "sleep 300 & echo $$ $!; wait",
    "while [ ! -e release ]; do sleep 0.05; done; echo released",
    'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; test "$n" -ge 3',
    "if [ -f once ]; then echo second; else touch once; sleep 4; fi",
    "echo hello && ls",
    "( cd sub && ls ) > listing.txt",
    "{ echo a; echo b; } | wc -l",
    "FOO=1 env BAR=2 printenv FOO # a comment with rm -rf",
    "echo 'rm -rf / is only text' \"and so is $(echo sh -c)\"",
    "echo ${HOME:-$(pwd)} `date`",
    "grep -c x file.txt 2>&1 >out.txt",
  ])("lets through %s", (command) => {
    expect(() => judge(command)).not.toThrow();
  });

  it.each([
    ["rm -rf x", "rm"],
    ["sh -c 'ls'", "sh"],
    ["bash -c ls", "bash"],
    ["FOO=1 rm x", "rm"],
    ["env rm x", "rm"],
    ["env FOO=1 sh", "sh"],
    ["ls; rm x", "rm"],
    ["ls && curl example.com", "curl"],
    ["echo $(rm x)", "rm"],
    ["echo `rm x`", "rm"],
    ['echo "$(rm x)"', "rm"],
    ["echo ${X:-$(rm x)}", "rm"],
    ["echo $(( $(rm x) + 1 ))", "rm"],
    ["for f in $(python3 -c 'print(1)'); do :; done", "python3"],
    ["if rm x; then :; fi", "rm"],
    ["ls | xargs rm", "xargs"],
    ["find . -delete", "find"],
    ["git status", "git"],
    ["npm test", "npm"],
    ["r'm' x", "rm"],
    ["\\rm x", "rm"],
    ["eval ls", "eval"],
    ["exec rm x", "exec"],
    ["command rm x", "command"],
    ["/bin/rm x", "/bin/rm"],
    ["./script.sh", "./script.sh"],
    ["../x", "../x"],
  ])("refuses %s, naming %s", (command, program) => {
    const refused = refusal(command);
    expect(refused.program).toBe(program);
    expect(refused.message).toContain(`'${program}'`);
  });

  it.each([
    ["$X", /computed/],
    ["x=rm; $x -rf /", /computed/],
    ["/bin/r? x", /computed/],
    ["{rm,-rf,x}", /computed/],
    ["~/bin/tool", /computed/],
    ["PATH=. ls", /PATH/],
    ["LD_PRELOAD=./evil.so ls", /LD_PRELOAD/],
    ["IFS=/ ls", /IFS/],
    ["env PATH=/tmp ls", /PATH/],
    ["echo x > /etc/passwd", /redirections stay inside the project/],
    ["echo x >> ~/.bashrc", /computed/],
    ["echo x > ../outside", /redirections stay inside the project/],
    ["echo x > $HOME/.profile", /computed/],
    ["echo x &> /tmp/log", /redirections stay inside the project/],
    ["cd /", /stays inside the project/],
    ["cd ..", /stays inside the project/],
    ["cd", /one directory/],
    ["cat <<EOF\nx\nEOF", /here-documents/],
    ["case x in x) rm;; esac", /case/],
    ["f() { rm x; }; f", /function definition/],
    ["cat <(ls)", /process substitution/],
    ["echo 'unterminated", /unterminated/],
    ["echo $(ls", /closing/],
    ["ls )", /unbalanced/],
    ['echo "${x:-\'}"; rm x; echo "\'}"', /quotes inside/],
    ['echo "`ls`"', /backquotes inside double quotes/],
    ["env -S 'rm x'", /env options/],
    // Ways to set PATH (then `ls` would find a program written into the project) other than NAME=…
    ["for PATH in .; do ls; done", /PATH/],
    ["echo $((PATH=0)); ls", /PATH/],
    [": ${CDPATH:=/}; cd etc; echo x > passwd", /CDPATH/],
    ["read PATH < dirs.txt; ls", /PATH/],
    ["read $name < dirs.txt", /written out/],
    ["echo $[1+1]", /\$\[/],
    ["cat < /dev/tcp/example.com/80", /dev\/tcp/],
  ])("refuses %s", (command, why) => {
    expect(refusal(command).message).toMatch(why);
  });
});

describe("where /bin/sh is bash", () => {
  it("refuses what bash would evaluate as code", () => {
    expect(refusal("x='a[$(rm x)]'; echo $((x))", defaults, true).message).toMatch(/\$\(\(/);
    expect(refusal("printf -v 'a[$(rm x)]' %s 1", defaults, true).message).toMatch(/printf -v/);
    expect(refusal("read 'a[$(id)]'", defaults, true).message).toMatch(/read/);
    expect(refusal("[ -v 'a[$(id)]' ]", defaults, true).message).toMatch(/-v/);
    expect(() => judge("echo $((1 + 2))", defaults, true)).not.toThrow();
    expect(() => judge("x='a[$(rm x)]'; echo $((x))", defaults, false)).not.toThrow();
  });
});

describe("an owner's list", () => {
  it("adds programs, allows exact paths, and '*' allows anything", () => {
    const owner = allowList(["default", "git", "/usr/bin/node"], "ATT_TERMINAL_ALLOW");
    expect(() => judge("git status && git log -1", owner)).not.toThrow();
    expect(() => judge("'/usr/bin/node' -e 1", owner)).not.toThrow();
    expect(refusal("node -e 1", owner).program).toBe("node");
    // Wrappers are transparent: what they run is judged too.
    const wrappers = allowList(["default", "nice", "timeout", "nohup"], "x");
    expect(() => judge("nice -n 5 timeout -s KILL 5 nohup ls", wrappers)).not.toThrow();
    expect(refusal("nice -n 5 timeout 5 rm x", wrappers).program).toBe("rm");
    const only = allowList(["git"], "x");
    expect(refusal("ls", only).program).toBe("ls");
    expect(() => judge("echo still a builtin; cd sub; pwd", only)).not.toThrow();
    expect(() => judge("rm -rf / ; sh -c 'anything' > /etc/x", allowList(["*"], "x"))).not.toThrow();
  });

  it("comes from ATT_TERMINAL_ALLOW first, then agent.json in the state dir, then the default", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "att-allow-"));
    try {
      const env = { ATT_AGENT_TOKEN: "t", ATT_AGENT_STATE_DIR: dir };
      expect(readConfig([], { ...env, ATT_TERMINAL_ALLOW: "default, git,npm" }).terminalAllow).toEqual([
        "default",
        "git",
        "npm",
      ]);
      expect(() => readConfig([], { ...env, ATT_TERMINAL_ALLOW: "git;rm" })).toThrow(/not program names/);
      const server = "https://att.example.com";
      const fromFile = () => loadAllowList({ terminalAllow: null, stateDir: dir, server });
      expect((await fromFile()).source).toBe("the default list for a remote control plane");
      expect((await fromFile()).any).toBe(false);
      // A control plane on this machine (npm start): the only caller is the owner's own browser.
      const local = await loadAllowList({ terminalAllow: null, stateDir: dir, server: "http://127.0.0.1:8787" });
      expect(local.any).toBe(true);
      writeFileSync(path.join(dir, "agent.json"), JSON.stringify({ terminal: { allow: ["default", "rm"] } }));
      const list = await fromFile();
      expect(list.programs.has("rm") && list.programs.has("ls")).toBe(true);
      expect(list.source).toBe(path.join(dir, "agent.json"));
      expect((await loadAllowList({ terminalAllow: ["git"], stateDir: dir, server })).programs.has("rm")).toBe(false);
      writeFileSync(path.join(dir, "agent.json"), "{ not json");
      await expect(fromFile()).rejects.toThrow(/not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("write and cd targets in a real project", () => {
  const base = mkdtempSync(path.join(os.tmpdir(), "att-check-"));
  const root = path.join(base, "project");
  const outside = path.join(base, "outside");
  mkdirSync(path.join(root, "sub"), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, path.join(root, "out-dir"));
  symlinkSync(path.join(outside, "file"), path.join(root, "sub", "out-file"));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const check = (command: string) =>
    checkTerminalCommand({ command, root, list: defaults, stateDir: base, bashLike: false });

  it("allows writes inside the project and refuses symlinks out of it and .git", async () => {
    await expect(check("echo x > new.txt; cd sub && echo y >> deeper.txt")).resolves.toBeUndefined();
    await expect(check("echo x > out-dir/file")).rejects.toMatchObject({ code: "forbidden" });
    await expect(check("cd out-dir; ls")).rejects.toMatchObject({ code: "forbidden" });
    // From `sub` (after a cd) the link inside it leads out.
    await expect(check("cd sub; echo x > out-file")).rejects.toMatchObject({ code: "forbidden" });
    await expect(check("echo '[core] fsmonitor = rm' >> .git/config")).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining(".git"),
    });
  });

  it("says what to add and where", async () => {
    const error = await check("rm -rf sub").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "forbidden", details: { program: "rm", reason: "terminal_not_allowed" } });
    expect((error as Error).message).toContain("ATT_TERMINAL_ALLOW=default,rm");
    expect((error as Error).message).toContain(path.join(base, "agent.json"));
  });
});
