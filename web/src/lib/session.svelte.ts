/**
 * Who is signed in and whether the agent is linked. The token comes from the
 * `#token=` fragment `npm start` prints (never sent to the server in a URL) or
 * the login form, and is kept in localStorage until sign-out or a 401.
 */
import type { components } from "./api/schema";

type Health = components["schemas"]["Health"];
const KEY = "att.token";
/** The terminal's per-project command history (lib/components/project/Terminal.svelte): commands may hold secrets. */
const TERMINAL_HISTORY_PREFIX = "att.terminal.history.";
const HEALTH_POLL_MS = 3000;

class Session {
  token = $state<string | null>(null);
  /** Why the last token was refused, shown on the login screen. */
  loginError = $state<string | null>(null);
  health = $state<Health | null>(null);
  /** Set when the control plane itself cannot be reached. */
  offline = $state<string | null>(null);
  /** Derived, so effects that read it rerun when the link changes, not on every health poll. */
  agentConnected = $derived(this.health?.agent.connected === true);
  #timer: ReturnType<typeof setInterval> | null = null;
  /** What other modules forget on sign-out (the chat stores register here; importing them would be a cycle). */
  readonly #onSignOut = new Set<() => void>();

  /** Reads the fragment first (and removes it from the address bar), then storage. */
  init(): void {
    const fragment = new URLSearchParams(location.hash.slice(1)).get("token");
    if (fragment !== null && fragment !== "") {
      this.signIn(fragment);
      history.replaceState(history.state, "", location.pathname + location.search);
    } else {
      this.token = localStorage.getItem(KEY);
    }
    void this.refreshHealth();
    this.#timer ??= setInterval(() => void this.refreshHealth(), HEALTH_POLL_MS);
  }

  signIn(token: string): void {
    this.token = token.trim();
    this.loginError = null;
    localStorage.setItem(KEY, this.token);
  }

  /** Runs `forget` on every sign-out (also a refused token); returns the unregister function. */
  onSignOut(forget: () => void): () => void {
    this.#onSignOut.add(forget);
    return () => this.#onSignOut.delete(forget);
  }

  /** Drops the token and whatever the next person at this browser must not see. */
  signOut(): void {
    this.token = null;
    localStorage.removeItem(KEY);
    const history: string[] = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (key?.startsWith(TERMINAL_HISTORY_PREFIX)) history.push(key);
    }
    for (const key of history) localStorage.removeItem(key);
    for (const forget of this.#onSignOut) forget();
  }

  /** Called on any 401: drop the token and say why, without retrying (no login loop). */
  rejectToken(message: string): void {
    if (this.token === null) return;
    this.signOut();
    this.loginError = message;
  }

  async refreshHealth(): Promise<void> {
    try {
      const response = await fetch("/api/v1/health", { cache: "no-store" });
      if (!response.ok) throw new Error(`health answered ${response.status}`);
      this.health = (await response.json()) as Health;
      this.offline = null;
    } catch (error) {
      this.offline = error instanceof Error ? error.message : String(error);
    }
  }
}

export const session = new Session();
