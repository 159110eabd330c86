// Chat. In an E2EE meeting each message is an MLS application message: the server relays
// ciphertext it cannot read.
import { useState, type FormEvent } from 'react';
import type { ChatLine } from './roomSession.ts';

export function ChatPanel({
  lines,
  e2ee,
  onSend,
}: {
  lines: readonly ChatLine[];
  e2ee: boolean;
  onSend: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const message = text.trim();
    if (message === '') return;
    onSend(message).then(
      () => {
        setText('');
        setError(null);
      },
      () => setError('The message was not sent. Try again.'),
    );
  };
  return (
    <section className="room-panel room-chat" aria-labelledby="room-chat">
      <h2 id="room-chat">Chat{e2ee ? ' (end-to-end encrypted)' : ''}</h2>
      <ol className="room-chat-lines" aria-live="polite">
        {lines.map((line) => (
          <li key={line.id} className={line.own ? 'chat-line chat-own' : 'chat-line'}>
            <span className="chat-from">{line.from}</span>{' '}
            <span className="chat-text">{line.text}</span>
          </li>
        ))}
      </ol>
      <form className="room-chat-form" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="room-chat-input">
          Message
        </label>
        <input
          id="room-chat-input"
          type="text"
          value={text}
          maxLength={4000}
          onChange={(event) => setText(event.target.value)}
          placeholder="Write a message"
        />
        <button type="submit" className="button">
          Send
        </button>
      </form>
      {error ? <p className="field-error">{error}</p> : null}
    </section>
  );
}
