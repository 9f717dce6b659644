import type { FormEvent, KeyboardEvent, RefObject } from 'react';

interface Props {
  text: string;
  onText(text: string): void;
  onSend(): void;
  /** A reply is streaming: the button stops it instead of sending. */
  busy: boolean;
  onStop(): void;
  input: RefObject<HTMLTextAreaElement | null>;
}

/** The message box: Enter sends, Shift+Enter starts a new line; Stop ends a streaming reply. */
export function Composer({ text, onText, onSend, busy, onStop, input }: Props) {
  function submit(event: FormEvent) {
    event.preventDefault();
    onSend();
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!busy) onSend();
    }
  }
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor="chat-input" className="visually-hidden">
        Message the assistant
      </label>
      <textarea
        id="chat-input"
        ref={input}
        rows={2}
        maxLength={2000}
        value={text}
        placeholder="Ask about your tasks…"
        aria-describedby="chat-input-hint"
        onChange={(e) => onText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span id="chat-input-hint" className="visually-hidden">
        Enter sends; Shift+Enter starts a new line.
      </span>
      {busy ? (
        <button type="button" className="stop" onClick={onStop}>
          <span aria-hidden="true">■ </span>Stop
        </button>
      ) : (
        <button type="submit" className="primary" disabled={!text.trim()}>
          Send
        </button>
      )}
    </form>
  );
}
