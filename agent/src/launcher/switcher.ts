/**
 * Switches ATT from the release that runs to another commit of its branch,
 * one switch at a time: prepare the new release while the old one serves (if
 * that fails, the switch fails and the old one serves on), hold traffic, let
 * in-flight requests finish, stop the old release, start the new one and wait
 * for its health. If the new one ran but did not become healthy, the old one
 * runs again and the commit is reverted on the branch. Between switches a
 * watchdog runs the current release again when it exits on its own.
 */
import type { LauncherStatus, SwitchRecord } from "@att/shared";
import { OperationError } from "../operations/errors.ts";
import { gitRaw } from "../operations/git/pr/git.ts";
import type { GroupProcess } from "../start/processes.ts";
import { DRAIN_TIMEOUT_MS, type HoldStats, type TrafficGate } from "./gate.ts";
import type { History } from "./history.ts";
import { prepareRelease } from "./prepare.ts";
import { newRecord, Recorder } from "./record.ts";
import { pruneReleases } from "./releases.ts";
import { revertOnBranch } from "./revert.ts";
import { RELEASE_STOP_GRACE_MS, type RunningRelease, startRelease, UnhealthyError } from "./run.ts";
import { MAX_RESTART_STEPS, RestartBackoff, sleep } from "./watchdog.ts";

export interface SwitcherOptions {
  repo: string;
  branch: string;
  home: string;
  healthTimeoutMs: number;
  /** Environment every release gets (tokens, the launcher's API). */
  env: Record<string, string>;
  gate: TrafficGate;
  history: History;
  say: (line: string) => void;
}

/** Traffic was never held (the switch ended before it came to that). */
const NO_HOLD: HoldStats = { heldRequests: 0, maxHoldMs: 0 };

const short = (sha: string) => sha.slice(0, 7);
const firstLine = (text: string) => text.split("\n")[0] ?? text;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Switcher {
  readonly #o: SwitcherOptions;
  #current: RunningRelease | null = null;
  /** The release before the current one: kept on disk. */
  #previous: string | null = null;
  /** A switch (or the watchdog's restart) is running. */
  #busy = false;
  #stopping = false;
  #firstStart = false;
  /** Every process group this launcher started (releases, npm install, the UI build): stopped on shutdown. */
  readonly #groups = new Set<GroupProcess>();
  /** The release that exited on its own and is to run again (the watchdog's work). */
  #crashed: { release: RunningRelease; code: number | null } | null = null;
  readonly #backoff = new RestartBackoff();

  constructor(options: SwitcherOptions) {
    this.#o = options;
  }

  status(): LauncherStatus {
    const current = this.#current;
    return {
      current:
        current === null
          ? null
          : { sha: current.sha, version: current.version, startedAt: current.startedAt, port: current.port },
      switching: this.#busy,
      history: this.#o.history.list(),
    };
  }

  get(id: string): SwitchRecord | null {
    return this.#o.history.get(id);
  }

  /** Runs the last healthy commit, else the branch's head. False when nothing could start. */
  async start(): Promise<boolean> {
    const { history, repo, branch } = this.#o;
    const last = history.lastHealthy();
    const head = (await gitRaw(repo, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`])).stdout;
    if (head === "") throw new Error(`branch '${branch}' does not exist in ${repo}`);
    // The switch that brought the last healthy commit (a watchdog restart has the same commit on both sides).
    const arrival = history
      .list()
      .find((record) => record.state === "healthy" && record.toSha === last?.toSha && record.fromSha !== record.toSha);
    this.#previous = arrival?.fromSha ?? null;
    const candidates = [...new Set([last?.toSha, head].filter((sha): sha is string => typeof sha === "string"))];
    this.#busy = true;
    this.#firstStart = true;
    try {
      for (const sha of candidates) {
        const recorder = new Recorder(newRecord({ fromSha: null, toSha: sha }), history);
        recorder.done("verify", new Date(), sha === last?.toSha ? "the last healthy commit" : `the head of ${branch}`);
        if (await this.#switch(recorder, null)) return true;
        if (this.#stopping) return false;
      }
      this.#o.gate.release(null);
      return false;
    } finally {
      this.#firstStart = false;
      this.#settle();
    }
  }

  /** Starts a switch to `sha` (reachable from the branch) and returns its record; the work goes on in the background. */
  async request(input: { sha: string; reason?: string }): Promise<SwitchRecord> {
    if (this.#stopping) throw new OperationError("conflict", "the launcher is stopping");
    if (this.#busy)
      throw new OperationError("conflict", "a switch (or a restart of ATT) is already running; wait for it to finish");
    this.#busy = true;
    const asked = new Date();
    let sha: string;
    try {
      sha = await this.#verify(input.sha);
    } catch (error) {
      this.#settle();
      throw error;
    }
    const old = this.#current;
    const recorder = new Recorder(newRecord({ fromSha: old?.sha ?? null, toSha: sha }), this.#o.history);
    const why = input.reason === undefined ? "" : `: ${input.reason}`;
    if (old?.sha === sha) {
      recorder.done("verify", asked, `already running${why}`);
      recorder.finish("healthy", null);
      this.#settle();
      return structuredClone(recorder.record);
    }
    recorder.done("verify", asked, `on ${this.#o.branch}${why}`);
    void this.#switch(recorder, old)
      .catch((error: unknown) => {
        // A bug, not a verdict on the commit: never leave traffic held.
        const hold = this.#o.gate.release(this.#current?.port ?? null);
        recorder.record.reason = `the launcher failed: ${messageOf(error)}`;
        recorder.finish("failed", hold);
      })
      .finally(() => this.#settle());
    return structuredClone(recorder.record);
  }

  /** Stops every process group this launcher started (used on SIGINT/SIGTERM). */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    this.#current = null;
    await Promise.all([...this.#groups].map((group) => group.stop(RELEASE_STOP_GRACE_MS)));
  }

  async #verify(given: string): Promise<string> {
    const { repo, branch } = this.#o;
    const resolved = await gitRaw(repo, ["rev-parse", "--verify", "--quiet", `${given}^{commit}`]);
    if (resolved.exitCode !== 0 || resolved.stdout === "")
      throw new OperationError("bad_request", `${given} is not a commit of ${repo}`);
    const sha = resolved.stdout;
    const reachable = await gitRaw(repo, ["merge-base", "--is-ancestor", sha, `refs/heads/${branch}`]);
    if (reachable.exitCode !== 0) throw new OperationError("bad_request", `${given} is not on the branch '${branch}'`);
    return sha;
  }

  /** The whole switch; true when `toSha` ends up running. `old` is null when nothing runs (the first start). */
  async #switch(recorder: Recorder, old: RunningRelease | null): Promise<boolean> {
    const { gate, say, repo, home } = this.#o;
    const sha = recorder.record.toSha;
    const began = performance.now();
    say(`preparing release ${short(sha)}…`);
    let dir: string;
    try {
      dir = await prepareRelease({
        repo,
        home,
        sha,
        previous: old === null ? null : { dir: old.dir, sha: old.sha },
        recorder,
        onGroup: (group) => this.#track(group),
      });
    } catch (error) {
      return this.#unprepared(recorder, error);
    }
    recorder.setState("switching");
    gate.hold();
    await recorder.step(
      "drain",
      () => gate.drain(DRAIN_TIMEOUT_MS),
      (idle) => (idle ? "no request in flight" : `${gate.inFlight} still in flight after ${DRAIN_TIMEOUT_MS / 1000} s`),
    );
    if (old !== null) {
      this.#current = null;
      await recorder.step(`stop ${short(old.sha)}`, () => old.group.stop(RELEASE_STOP_GRACE_MS));
    }
    let next: RunningRelease;
    try {
      next = await recorder.step(`start ${short(sha)}`, () => this.#run(sha, dir));
    } catch (error) {
      return this.#refuse(recorder, old, error);
    }
    this.#becomeCurrent(next);
    if (old !== null) this.#previous = old.sha;
    const hold = gate.release(next.port);
    say(`switched to ${short(sha)} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    await this.#prune();
    // Last: once the record says it is over, the next switch may start.
    recorder.finish("healthy", hold);
    return true;
  }

  /**
   * The new release could not be prepared (worktree, dependencies, UI build,
   * disk): the old release never stopped and serves on. Nothing ran, so the
   * commit is not judged and not reverted.
   */
  #unprepared(recorder: Recorder, error: unknown): false {
    const record = recorder.record;
    const why = `could not prepare the release: ${messageOf(error)}`;
    record.reason = this.#stopping ? `the launcher was stopped during the switch (${firstLine(why)})` : why;
    recorder.finish("failed", NO_HOLD);
    const serving = this.#current === null ? "" : `; ${short(this.#current.sha)} serves on`;
    this.#o.say(`switch to ${short(record.toSha)} failed: ${firstLine(record.reason)}${serving}`);
    return false;
  }

  /**
   * The new release did not run. `old` (stopped by now) runs again; the
   * commit is reverted when the new version itself was at fault (it exited or
   * stayed unhealthy), not when the launcher could not start it. Without an
   * old release, or when it cannot start either, the switch failed.
   */
  async #refuse(recorder: Recorder, old: RunningRelease | null, error: unknown): Promise<false> {
    const { gate, say } = this.#o;
    const record = recorder.record;
    // Unhealthy: the new version ran and failed. Anything else is the launcher's failure, not the commit's.
    const judged = error instanceof UnhealthyError;
    const reason = judged ? messageOf(error) : `the launcher could not start the release: ${messageOf(error)}`;
    record.reason = reason;
    if (this.#stopping) {
      record.reason = `the launcher was stopped during the switch (${firstLine(reason)})`;
      recorder.finish("failed", gate.stats());
      return false;
    }
    let back: RunningRelease | null = null;
    if (old !== null) {
      try {
        back = await recorder.step(`restart ${short(old.sha)}`, () => this.#run(old.sha, old.dir));
        this.#becomeCurrent(back);
      } catch (failure) {
        record.reason = `${reason}\nThe previous release did not start either: ${messageOf(failure)}`;
      }
    }
    // On the first start the next candidate keeps the hold; `start` releases it when none is left.
    const hold = back !== null || !this.#firstStart ? gate.release(back?.port ?? null) : gate.stats();
    if (back === null || !judged) {
      const serving = back === null ? "" : `; ${short(back.sha)} runs again, nothing reverted`;
      say(`switch to ${short(record.toSha)} failed: ${firstLine(record.reason ?? reason)}${serving}`);
      if (back !== null) await this.#prune();
      recorder.finish("failed", hold);
      return false;
    }
    say(`rolled back to ${short(back.sha)}: ${firstLine(reason)}`);
    try {
      const revertSha = await recorder.step(
        `revert ${short(record.toSha)}`,
        () => revertOnBranch({ repo: this.#o.repo, branch: this.#o.branch, sha: record.toSha, reason }),
        (made) => `${made} on ${this.#o.branch}`,
      );
      record.revertSha = revertSha;
      say(`reverted ${short(record.toSha)} on ${this.#o.branch} with ${short(revertSha)}`);
    } catch (failure) {
      record.reason = `${reason}\nThe revert failed: ${messageOf(failure)}`;
      say(`could not revert ${short(record.toSha)}: ${firstLine(messageOf(failure))}`);
    }
    await this.#prune();
    recorder.finish("rolled_back", hold);
    return false;
  }

  async #run(sha: string, dir: string): Promise<RunningRelease> {
    if (this.#stopping) throw new Error("the launcher is stopping");
    const { home, env, healthTimeoutMs } = this.#o;
    return startRelease({ sha, dir, home, env, healthTimeoutMs, onStart: (group) => this.#track(group) });
  }

  #track(group: GroupProcess): void {
    this.#groups.add(group);
    void group.exited.then(() => this.#groups.delete(group));
  }

  /** Makes `release` the one the proxy serves; if it later exits on its own, the watchdog runs it again. */
  #becomeCurrent(release: RunningRelease): void {
    this.#current = release;
    const since = Date.now();
    void release.group.exited.then((code) => {
      // A switch or the shutdown unsets the current release before it stops it.
      if (this.#current !== release || this.#stopping) return;
      this.#current = null;
      this.#o.gate.hold(); // requests wait for the restart instead of failing
      this.#backoff.exited(Date.now() - since);
      this.#crashed = { release, code };
      this.#o.say(`ATT ${short(release.sha)} exited on its own (code ${code}); see ${release.logFile}`);
      void this.#recover(); // while a switch runs, `#settle` calls it once the switch is over
    });
  }

  /** A switch (or the first start) is over: a release that exited meanwhile and was not replaced runs again. */
  #settle(): void {
    this.#busy = false;
    if (this.#current !== null) this.#crashed = null;
    else if (this.#crashed !== null) void this.#recover();
  }

  /** The watchdog: runs the release that exited on its own again (after a backoff), traffic held while it starts. */
  async #recover(): Promise<void> {
    const crashed = this.#crashed;
    if (crashed === null || this.#busy || this.#stopping) return;
    this.#busy = true;
    const { gate, say } = this.#o;
    const { release, code } = crashed;
    const sha = short(release.sha);
    const recorder = new Recorder(newRecord({ fromSha: release.sha, toSha: release.sha }), this.#o.history);
    recorder.record.reason = `${sha} exited on its own (code ${code}); see ${release.logFile}`;
    recorder.setState("switching");
    try {
      while (!this.#stopping) {
        const delay = this.#backoff.next();
        say(`restarting ${sha} in ${delay / 1000} s…`);
        await sleep(delay);
        if (this.#stopping) break;
        if (!gate.holding) gate.hold();
        try {
          const back = await recorder.step(`restart ${sha}`, () => this.#run(release.sha, release.dir));
          this.#crashed = null;
          this.#becomeCurrent(back);
          const hold = gate.release(back.port);
          say(`restarted ${sha} after it exited on its own`);
          recorder.finish("healthy", hold);
          return;
        } catch (error) {
          if (this.#stopping) break;
          // Until the next attempt, requests are answered 503 with Retry-After rather than held.
          gate.release(null);
          recorder.keepLastSteps(MAX_RESTART_STEPS);
          say(`could not restart ${sha}: ${firstLine(messageOf(error))}`);
        }
      }
      recorder.record.reason += "; the launcher stopped before it ran again";
      recorder.finish("failed", gate.stats());
    } finally {
      this.#busy = false;
    }
  }

  async #prune(): Promise<void> {
    const keep = [this.#current?.sha ?? null, this.#previous];
    await pruneReleases({ repo: this.#o.repo, home: this.#o.home, keep }).catch((error: unknown) =>
      this.#o.say(`could not remove old releases: ${messageOf(error)}`),
    );
  }
}
