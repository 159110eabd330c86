// Flag value parsers: a bad value becomes commander's usage error (exit 2) naming the flag.
import { InvalidArgumentError } from 'commander';
import { incompatibleOptions } from '../api/types.ts';
import type { IncompatibleOption } from '../api/types.ts';

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected a whole number of 1 or more.');
  }
  return parsed;
}

export function port(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  }
  return parsed;
}

export function onOff(value: string): boolean {
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new InvalidArgumentError("expected 'on' or 'off'.");
}

/** Repeatable and comma-separated: `--enable recording,transcription --enable copilot`. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...(previous ?? []), ...items];
}

export function meetingOptions(
  value: string,
  previous: IncompatibleOption[] | undefined,
): IncompatibleOption[] {
  const items = collectList(value, undefined);
  for (const item of items) {
    if (!isIncompatibleOption(item)) {
      throw new InvalidArgumentError(
        `'${item}' is not a meeting option; known options: ${incompatibleOptions.join(', ')}.`,
      );
    }
  }
  return [...(previous ?? []), ...(items as IncompatibleOption[])];
}

export function isIncompatibleOption(value: string): value is IncompatibleOption {
  return (incompatibleOptions as readonly string[]).includes(value);
}

/** `name=value` pairs, repeatable: `--min-version windows=1.4.0`. */
export function keyValue(
  value: string,
  previous: [string, string][] | undefined,
): [string, string][] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, got '${value}'.`);
  return [...(previous ?? []), [value.slice(0, at), value.slice(at + 1)]];
}
