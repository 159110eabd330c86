// Progress on stderr: a bar redrawn in place on a terminal; on anything else, one line per step
// (so logs and tests read cleanly). Silent when disabled (`--json` without a terminal).

export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #enabled: boolean;
  #drawn = false;

  constructor(stream: NodeJS.WriteStream, enabled: boolean) {
    this.#stream = stream;
    this.#enabled = enabled;
  }

  /** `label [#####.....] done/total`; on a non-terminal only when `done` reaches `total`. */
  update(label: string, done: number, total: number): void {
    if (!this.#enabled) return;
    if (this.#stream.isTTY !== true) {
      if (done === total) this.line(`${label}: ${done}/${total}`);
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
