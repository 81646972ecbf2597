/**
 * One panel's pending action: which one runs (for "Running…" labels and
 * disabled buttons), since when (for elapsed time) and how the last one failed
 * (shown with ErrorNotice next to the controls that caused it).
 */
export class Action {
  busy = $state<string | null>(null);
  startedAt = $state<number | null>(null);
  error = $state<unknown>(null);

  /** Runs `work` unless another action of this panel is running; a failure is kept in `error`. */
  async run(label: string, work: () => Promise<void>): Promise<boolean> {
    if (this.busy !== null) return false;
    this.busy = label;
    this.startedAt = Date.now();
    this.error = null;
    try {
      await work();
      return true;
    } catch (failure) {
      this.error = failure;
      return false;
    } finally {
      this.busy = null;
      this.startedAt = null;
    }
  }

  is(label: string): boolean {
    return this.busy === label;
  }
}
