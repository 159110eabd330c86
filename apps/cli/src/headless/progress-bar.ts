// Progress on stderr: a bar redrawn in place on a terminal; on anything else, a line when a step
// completes and, on a long step, one every half minute while it moves (so logs and tests read
// cleanly, and a long run does not look dead). Silent when disabled (`--json` without a terminal).

/** On a non-terminal, how often a step still under way says where it is. */
const QUIET_LINE_EVERY_MS = 30_000;

export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #enabled: boolean;
  readonly #now: () => number;
  #drawn = false;
  /** Non-terminal: when the running step last printed a line (it began: no line yet). */
  #quiet: { label: string; since: number; done: number } | undefined;

  constructor(stream: NodeJS.WriteStream, enabled: boolean, now: () => number = Date.now) {
    this.#stream = stream;
    this.#enabled = enabled;
    this.#now = now;
  }

  /**
   * `label [#####.....] done/total`; on a non-terminal when `done` reaches `total`, and every
   * half minute before that if `done` moved.
   */
  update(label: string, done: number, total: number): void {
    if (!this.#enabled) return;
    if (this.#stream.isTTY !== true) {
      if (done === total) {
        this.#quiet = undefined;
        this.line(`${label}: ${done}/${total}`);
        return;
      }
      const now = this.#now();
      const quiet = this.#quiet;
      if (quiet === undefined || quiet.label !== label) {
        this.#quiet = { label, since: now, done };
      } else if (now - quiet.since >= QUIET_LINE_EVERY_MS && done !== quiet.done) {
        this.#quiet = { label, since: now, done };
        this.line(`${label}: ${done}/${total}…`);
      }
      return;
    }
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    this.#stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} `,
    );
    this.#drawn = true;
  }

  line(text: string): void {
    if (!this.#enabled) return;
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
    this.#stream.write(`${text}\n`);
  }

  finish(): void {
    if (this.#drawn && this.#enabled) this.#stream.write('\n');
    this.#drawn = false;
  }
}
