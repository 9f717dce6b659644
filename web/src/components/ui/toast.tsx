import { useEffect, useRef } from 'react';

/**
 * A message at the bottom of the screen with one action ("Undo"), announced
 * politely (WCAG 4.1.3). The action takes focus: the control the user just used
 * (a Delete button) has gone with its row, and Enter should reach the way back.
 */
export function Toast({
  message,
  action,
  onAction,
  onDismiss,
}: {
  message: string;
  action: string;
  onAction(): void;
  onDismiss(): void;
}) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div className="toast" role="status">
      <span>{message}</span>
      <button ref={button} type="button" className="toast-action" onClick={onAction}>
        {action}
      </button>
      <button type="button" className="ghost small" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
