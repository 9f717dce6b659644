import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './composer.js';

function Harness({ busy, onSend, onStop }: { busy: boolean; onSend(text: string): void; onStop(): void }) {
  const [text, setText] = useState('');
  return (
    <Composer
      text={text}
      onText={setText}
      onSend={() => onSend(text)}
      busy={busy}
      onStop={onStop}
      input={createRef<HTMLTextAreaElement>()}
    />
  );
}

describe('Composer', () => {
  it('sends on Enter, starts a new line on Shift+Enter, and is labelled', async () => {
    const onSend = vi.fn();
    render(<Harness busy={false} onSend={onSend} onStop={vi.fn()} />);
    const user = userEvent.setup();
    const input = screen.getByLabelText('Message the assistant');
    expect(input).toHaveAccessibleDescription('Enter sends; Shift+Enter starts a new line.');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(input, 'add milk{Shift>}{Enter}{/Shift}and eggs');
    expect(onSend).not.toHaveBeenCalled();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('add milk\nand eggs');
  });

  it('while a reply streams, the same button stops it and Enter does not send again', async () => {
    const onSend = vi.fn();
    const onStop = vi.fn();
    const { rerender } = render(<Harness busy={false} onSend={onSend} onStop={onStop} />);
    const button = screen.getByRole('button', { name: 'Send' });
    rerender(<Harness busy onSend={onSend} onStop={onStop} />);
    const stop = screen.getByRole('button', { name: 'Stop' });
    expect(stop).toBe(button); // one element: focus stays on it when it turns into Stop
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Message the assistant'), 'more{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    await user.click(stop);
    expect(onStop).toHaveBeenCalledOnce();
  });
});
