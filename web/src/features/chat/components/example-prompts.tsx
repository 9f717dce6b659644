/** What to try on an empty chat: a click puts the prompt in the composer, to send or edit. */
export const EXAMPLE_PROMPTS = [
  'Add buy milk tomorrow',
  'What’s due this week?',
  'Show my high priority tasks',
  'Mark buy milk as done',
];

export function ExamplePrompts({ onPick }: { onPick(prompt: string): void }) {
  return (
    <div className="empty-chat">
      <h2 className="empty-title">Ask me about your tasks</h2>
      <p className="muted">Write as you would to a person. For example:</p>
      <ul className="examples" aria-label="Example prompts">
        {EXAMPLE_PROMPTS.map((prompt) => (
          <li key={prompt}>
            <button type="button" className="ghost example" onClick={() => onPick(prompt)}>
              {prompt}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
