// Reading a signaling text frame: JSON, then text no store keeps faithfully, then the schema —
// each failure a typed error (`bad_json`, `bad_message`) naming where, never an exception.
import type { z } from 'zod';
import { findUnstorableText, unstorableTextMessage } from '../text.ts';
import {
  clientMessageSchema,
  serverMessageSchema,
  type ClientMessage,
  type ServerMessage,
} from './messages.ts';

export type ParseResult<T> =
  { kind: 'ok'; message: T } | { kind: 'error'; code: 'bad_json' | 'bad_message'; message: string };

function parseWith<T>(
  schema: z.ZodType<T>,
  text: string,
  options: { storableTextOnly: boolean },
): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', code: 'bad_json', message: 'The message is not valid JSON.' };
  }
  // Text no store or peer keeps faithfully (a NUL, an unpaired surrogate) is refused before the
  // schema, in every string and key of what a client sends (../text.ts). A client reading the
  // server is lenient: a name stored before the server refused such text must not break a meeting.
  const unstorable = options.storableTextOnly ? findUnstorableText(value) : undefined;
  if (unstorable !== undefined) {
    const where = unstorable.map(String).join('.') || 'message';
    return {
      kind: 'error',
      code: 'bad_message',
      message: `Invalid signaling message at ${where}: text ${unstorableTextMessage}`,
    };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.join('.') || 'message' : 'message';
    return {
      kind: 'error',
      code: 'bad_message',
      message: `Invalid signaling message at ${where}: ${first?.message ?? 'invalid'}`,
    };
  }
  return { kind: 'ok', message: parsed.data };
}

export const parseClientMessage = (text: string): ParseResult<ClientMessage> =>
  parseWith(clientMessageSchema, text, { storableTextOnly: true });
export const parseServerMessage = (text: string): ParseResult<ServerMessage> =>
  parseWith(serverMessageSchema, text, { storableTextOnly: false });
