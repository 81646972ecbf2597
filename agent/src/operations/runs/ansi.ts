/** Terminal colour and cursor sequences, removed from captured output. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC sequences is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
