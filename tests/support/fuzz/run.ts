/**
 * How the fuzz suite drives fast-check: one seed per run (from ATT_FUZZ_SEED,
 * or random) printed so a failure can be replayed, and cases sent in
 * concurrent batches so the run stays short without flooding the stack.
 *
 * `wrangler dev` rebuilds and restarts the Worker when a source file changes
 * (people edit the tree while tests run): in-memory MCP sessions are gone and
 * the agent link reconnects. A case that fails after such a reload is tried
 * once more after recovering; a failure without one is a finding.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";

/** Configures fast-check's global seed and returns it. */
export function configureSeed(): number {
  const given = process.env.ATT_FUZZ_SEED;
  const seed = given !== undefined && given !== "" ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`ATT_FUZZ_SEED must be an integer, not '${given}'`);
  fc.configureGlobal({ seed });
  console.log(`fuzz seed ${seed} (replay with ATT_FUZZ_SEED=${seed})`);
  return seed;
}

/** Reloads of `wrangler dev`, counted in its debug log (WRANGLER_LOG_PATH under the stack's run directory). */
export class Reloads {
  readonly #logDir: string;
  #seen: number;
  #recovering: Promise<void> | null = null;
  /** What a phase does after a reload before retrying (reconnect, reopen a session). */
  recover: () => Promise<void> = async () => {};
  /** Cases tried again after a reload. */
  retried = 0;

  constructor(stackDir: string) {
    this.#logDir = path.join(stackDir, "run", "logs");
    this.#seen = this.count();
  }

  count(): number {
    let reloads = 0;
    for (const name of readdirSync(this.#logDir)) {
      reloads += readFileSync(path.join(this.#logDir, name), "utf8").split("Reloading local server").length - 1;
    }
    return reloads;
  }

  /** Whether the Worker reloaded since the last recovery; if so, recovers once for every caller waiting. */
  async reloaded(): Promise<boolean> {
    const now = this.count();
    if (now === this.#seen) return false;
    this.#recovering ??= this.recover().finally(() => {
      this.#seen = now;
      this.#recovering = null;
    });
    await this.#recovering;
    return true;
  }
}

export interface PhaseResult {
  name: string;
  cases: number;
  ms: number;
}

/**
 * Runs at least `cases` inputs through `check` in batches of `concurrency`
 * sent side by side. The first failure ends the phase, naming the request.
 */
export async function fuzzPhase<T>(options: {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  cases: number;
  concurrency: number;
  reloads: Reloads;
  check: (input: T) => Promise<void>;
}): Promise<PhaseResult> {
  const { name, arbitrary, cases, concurrency, reloads, check } = options;
  const started = Date.now();
  let sent = 0;
  const checkOnce = async (input: T) => {
    sent += 1;
    try {
      await check(input);
    } catch (error) {
      if (!(await reloads.reloaded())) throw error;
      reloads.retried += 1;
      await check(input);
    }
  };
  await fc.assert(
    fc.asyncProperty(fc.array(arbitrary, { minLength: concurrency, maxLength: concurrency }), async (batch) => {
      await Promise.all(batch.map(checkOnce));
    }),
    // No shrinking: the error already names the exact request, and shrinking a case that hangs takes a timeout per step.
    { numRuns: Math.ceil(cases / concurrency), endOnFailure: true },
  );
  const result = { name, cases: sent, ms: Date.now() - started };
  console.log(`fuzz ${name}: ${result.cases} cases in ${(result.ms / 1000).toFixed(1)} s`);
  return result;
}
