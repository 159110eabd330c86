// A minimal line logger. It takes a message and a few flat fields; any field whose name suggests a
// secret is dropped, so a careless call cannot put a password, token or key into the log.
export type LogSink = (line: string) => void;
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const secretName = /pass|token|secret|key|authorization|cookie|session|credential/i;

export function createLogger(sink: LogSink, now: () => number = Date.now): Logger {
  const write = (level: string, message: string, fields: LogFields = {}) => {
    const parts = [new Date(now()).toISOString(), level, message];
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined || secretName.test(name)) continue;
      parts.push(`${name}=${JSON.stringify(value)}`);
    }
    sink(parts.join(' '));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

export const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};
