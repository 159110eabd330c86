// Everything the CLI prints goes through here: results on stdout, progress and errors on stderr.
export interface OutputFlags {
  json?: boolean;
}

export function printLines(lines: string | readonly string[]): void {
  const text = typeof lines === 'string' ? lines : lines.join('\n');
  process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

/** Machine output: exactly one JSON value on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The server's JSON with `--json`, the human rendering otherwise. */
export function emit<T>(
  flags: OutputFlags,
  value: T,
  human: (value: T) => string | string[],
): void {
  if (flags.json === true) printJson(value);
  else printLines(human(value));
}

/** A note about a long operation, on stderr so it never mixes with results; silent with --json. */
export function progress(flags: OutputFlags, message: string): void {
  if (flags.json !== true) process.stderr.write(`${message}\n`);
}

/** Label/value pairs, labels padded to one column. Undefined values are left out. */
export function formatFields(fields: readonly (readonly [string, string | undefined])[]): string[] {
  const present = fields.filter(
    (field): field is readonly [string, string] => field[1] !== undefined,
  );
  const width = Math.max(0, ...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${`${label}:`.padEnd(width + 1)}  ${value}`);
}
