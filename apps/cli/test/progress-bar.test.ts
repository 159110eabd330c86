// Progress on a non-terminal (a log file, CI, `conclave load --json 2>log`): a line when a step
// completes, and every half minute while a long step moves — so a long run never looks dead.
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/headless/progress-bar.ts';

function captured(isTTY: boolean) {
  const lines: string[] = [];
  const stream = {
    isTTY,
    write: (text: string) => {
      lines.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress on a non-terminal', () => {
  it('says where a long step is every half minute while it moves, and when it completes', () => {
    let now = 0;
    const { stream, lines } = captured(false);
    const bar = new ProgressBar(stream, true, () => now);
    bar.update('joining', 0, 200);
    now = 10_000;
    bar.update('joining', 40, 200);
    expect(lines).toEqual([]);
    now = 31_000;
    bar.update('joining', 90, 200);
    expect(lines).toEqual(['joining: 90/200…\n']);
    // Stuck: no new line while nothing moves.
    now = 70_000;
    bar.update('joining', 90, 200);
    expect(lines).toHaveLength(1);
    now = 71_000;
    bar.update('joining', 200, 200);
    expect(lines).toEqual(['joining: 90/200…\n', 'joining: 200/200\n']);
  });

  it('stays silent when disabled (--json without a terminal)', () => {
    const { stream, lines } = captured(false);
    let now = 0;
    const bar = new ProgressBar(stream, false, () => now);
    bar.update('joining', 0, 10);
    now = 60_000;
    bar.update('joining', 5, 10);
    bar.update('joining', 10, 10);
    bar.line('done');
    expect(lines).toEqual([]);
  });

  it('redraws one bar in place on a terminal', () => {
    const { stream, lines } = captured(true);
    const bar = new ProgressBar(stream, true);
    bar.update('joining', 1, 2);
    bar.update('joining', 2, 2);
    bar.finish();
    expect(lines.slice(0, 2).every((text) => text.startsWith('\rjoining ['))).toBe(true);
    expect(lines.at(-1)).toBe('\n');
  });
});
