/**
 * After `npm run screenshots` ran the browser scenarios with ATT_SCREENSHOTS=1,
 * writes docs/screenshots/README.md: every screenshot, in view order, under
 * the name of its view. The README links this gallery.
 */
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./stack.ts";

const dir = path.join(repoRoot, "docs", "screenshots");
const VIEWS = ["", "Dashboard", "Project", "Git", "Tests", "Runtime", "Deploy", "Chat", "Settings", "Workflows"];

/** The view's main screenshot first ("3-git.png"), then its variants ("3-git-phone-dark.png"). */
const order = (name: string) => `${Number.parseInt(name, 10)}-${/^\d+-[a-z]+\.png$/.test(name) ? 0 : 1}-${name}`;
const shots = readdirSync(dir)
  .filter((name) => name.endsWith(".png"))
  .sort((a, b) => order(a).localeCompare(order(b), "en", { numeric: true }));

const sections: string[] = [];
let current = "";
for (const shot of shots) {
  const view = VIEWS[Number.parseInt(shot, 10)] ?? "Other";
  if (view !== current) {
    sections.push(`\n## ${view}\n`);
    current = view;
  }
  const variant = shot
    .replace(/^\d+-[a-z]+-?/, "")
    .replace(/\.png$/, "")
    .replaceAll("-", " ");
  sections.push(`${variant === "" ? "" : `*${variant}*\n\n`}![${view}${variant ? ` (${variant})` : ""}](${shot})\n`);
}

writeFileSync(
  path.join(dir, "README.md"),
  `# Screenshots\n\nEvery view of ATT's web UI with real data from a real agent and, where a view needs one, a real NAT app (\`nat serve\` with NAT's offline test LLM). Regenerate with \`npm run screenshots\`: it runs the browser scenarios (tests/e2e) in Debian's Chromium at 1280×800 (phone variants at 390×844, in the dark theme) and writes this page.\n${sections.join("\n")}`,
);
console.log(`docs/screenshots/README.md: ${shots.length} screenshots`);
