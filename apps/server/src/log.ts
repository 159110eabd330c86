// A minimal line logger. It takes a message and a few flat fields; any field whose name suggests a
// secret or a person's identity is dropped, so a careless call cannot put a password, token, key
// or email address into the log. Lines are JSON (one object per line, for log collectors) or, in a
// terminal, `time level message name=value`.
export type LogSink = (line: string) => void;
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type LogFormat = 'text' | 'json';

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const secretName = /pass|token|secret|key|authorization|cookie|session|credential/i;
const identityName = /email|display_?name|user_?name|phone|subject|title/i;

export function createLogger(
  sink: LogSink,
  now: () => number = Date.now,
  format: LogFormat = 'text',
): Logger {
  const write = (level: string, message: string, fields: LogFields = {}) => {
    const time = new Date(now()).toISOString();
    const kept = Object.entries(fields).filter(
      ([name, value]) => value !== undefined && !secretName.test(name) && !identityName.test(name),
    );
    if (format === 'json') {
      sink(JSON.stringify({ time, level, msg: message, ...Object.fromEntries(kept) }));
      return;
    }
    const parts = [time, level, message];
    for (const [name, value] of kept) parts.push(`${name}=${JSON.stringify(value)}`);
    sink(parts.join(' '));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/** JSON unless a person is watching: CONCLAVE_LOG_FORMAT decides, else whether stderr is a terminal. */
export function defaultLogFormat(env: NodeJS.ProcessEnv = process.env): LogFormat {
  const chosen = env.CONCLAVE_LOG_FORMAT;
  if (chosen === 'json' || chosen === 'text') return chosen;
  return process.stderr.isTTY ? 'text' : 'json';
}

export const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};
