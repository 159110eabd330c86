// Passwords come from stdin (scripts), the CONCLAVE_PASSWORD variable (CI), or a prompt that does
// not echo (people). They are never taken as a plain flag, which would land in shell history.
import { CliError } from '../errors.ts';

export interface PasswordSource {
  passwordStdin?: boolean;
}

export async function readPassword(source: PasswordSource, prompt: string): Promise<string> {
  if (source.passwordStdin === true) return nonEmpty(await readStdin(), '--password-stdin');
  const fromEnv = process.env.CONCLAVE_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY) return nonEmpty(await promptHidden(prompt), 'the prompt');
  throw new CliError(
    'usage',
    'no password given: pipe it with --password-stdin or set CONCLAVE_PASSWORD',
  );
}

function nonEmpty(value: string, from: string): string {
  if (value === '') throw new CliError('usage', `the password from ${from} is empty`);
  return value;
}

/** All of stdin, without the trailing newline `echo` adds. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string): void => {
        for (const character of chunk) {
          if (character === '\r' || character === '\n' || character === '\u0004') {
            stdin.off('data', onData);
            resolve(value);
            return;
          }
          if (character === '\u0003') {
            stdin.off('data', onData);
            reject(new CliError('failed', 'cancelled'));
            return;
          }
          if (character === '\u007f' || character === '\b') value = value.slice(0, -1);
          else value += character;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
