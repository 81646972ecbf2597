/**
 * Preparing a release while the old one serves: a worktree of the commit,
 * its dependencies and its web UI, each a step of the switch's record. The
 * work happens in a staging directory that is moved into place at the end,
 * so an interrupted prepare never leaves a release that looks complete.
 */
import { installDependencies, type OnGroup, prepareWebBuild, type Source } from "./dependencies.ts";
import type { Recorder } from "./record.ts";
import { checkoutRelease, publishRelease } from "./releases.ts";
import { logFileOf } from "./run.ts";

/** Returns the release's directory, ready to run. Throws (the step says why) when it cannot be prepared. */
export async function prepareRelease(options: {
  repo: string;
  home: string;
  sha: string;
  /** The release that runs now: where node_modules and web/build come from. */
  previous: Source | null;
  recorder: Recorder;
  onGroup: OnGroup;
}): Promise<string> {
  const { repo, home, sha, previous, recorder, onGroup } = options;
  const checkout = await recorder.step(
    "checkout",
    () => checkoutRelease({ repo, home, sha }),
    (done) => done.detail,
  );
  if (checkout.ready) return checkout.dir;
  const dir = checkout.dir;
  const logFile = logFileOf(home, sha);
  await recorder.step(
    "dependencies",
    () =>
      installDependencies({
        dir,
        // The checkout's own node_modules only for the first release: later ones may be stale there.
        sources: [previous ?? { dir: repo, sha: null }],
        logFile,
        onGroup,
      }),
    (done) => done,
  );
  await recorder.step(
    "web build",
    () => prepareWebBuild({ repo, dir, previous, sha, logFile, onGroup }),
    (done) => done,
  );
  return publishRelease({ repo, home, sha });
}
