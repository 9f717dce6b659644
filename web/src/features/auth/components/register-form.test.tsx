import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-error.js';
import { loadStrengthEstimator } from '../password-rules.js';
import { RegisterForm } from './register-form.js';

function describedText(input: HTMLElement) {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ');
}

// The zxcvbn estimator is a lazy chunk (~1 MB of dictionaries): load it once up front, as a
// browser would have by the time someone finishes typing, so each test times only the form.
beforeAll(async () => {
  (await loadStrengthEstimator())('warm-up');
}, 30_000);

describe('RegisterForm', () => {
  it('shows each server validation message next to its field, tied with aria-describedby', async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(400, {
        code: 'VALIDATION_ERROR',
        detail: 'Password is too common',
        errors: [
          { path: 'password', message: 'Password is too common' },
          { path: 'name', message: 'Name must be at most 100 characters' },
        ],
      }),
    );
    render(<RegisterForm onSubmit={onSubmit} onSuccess={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Name (optional)'), 'Ada');
    // Passes the rules here; the server (say, with another policy) still refuses it.
    await user.type(screen.getByLabelText('Password'), 'Quiet-Harbor-73');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const password = screen.getByLabelText('Password');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(describedText(password)).toContain('Password is too common');
    expect(describedText(screen.getByLabelText('Name (optional)'))).toContain('Name must be at most 100 characters');
    expect(describedText(screen.getByLabelText('Email'))).toBe('');
    // Field messages are enough: no duplicate banner.
    expect(screen.queryByRole('alert')).toBeNull();

    // Editing the field clears its message.
    await user.type(password, '!');
    expect(password).not.toHaveAttribute('aria-invalid');
  });

  it('checks the password rules live and refuses to submit until they pass', async () => {
    const onSubmit = vi.fn();
    render(<RegisterForm onSubmit={onSubmit} onSuccess={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'grace@example.com');
    await user.type(screen.getByLabelText('Password'), 'grace2024');
    const rules = screen.getByRole('list', { name: 'Password requirements' });
    expect(rules).toHaveTextContent('A special character (e.g. ! ? # -) (not met yet)');
    expect(rules).toHaveTextContent('Does not contain your email name (not met yet)');
    expect(rules).toHaveTextContent('A number (met)');

    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(describedText(screen.getByLabelText('Password'))).toContain(
      'Password must contain at least 1 special character',
    );
  });

  it("refuses a dressed-up common password before the server does, with the server's words (SPEC §3.1)", async () => {
    const onSubmit = vi.fn();
    render(<RegisterForm onSubmit={onSubmit} onSuccess={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'Password1!');
    const rules = screen.getByRole('list', { name: 'Password requirements' });
    // The estimator is a lazy chunk: the rule is pending until it arrives.
    await waitFor(() =>
      expect(rules).toHaveTextContent('Not a common password, even with small changes (not met yet)'),
    );
    expect(screen.getByText(/^Strength:/)).toHaveTextContent('Strength: Weak');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(describedText(screen.getByLabelText('Password'))).toContain(
      'Password is too easy to guess: it is a common password with small changes (capitals, digits, symbols or leetspeak)',
    );
  });

  it('shows a conflict that has no field as an alert', async () => {
    const onSubmit = vi
      .fn()
      .mockRejectedValue(new ApiError(409, { code: 'EMAIL_EXISTS', detail: 'Email already registered' }));
    render(<RegisterForm onSubmit={onSubmit} onSuccess={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'Str0ng&Long!');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Email already registered');
    expect(onSubmit).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'Str0ng&Long!' });
  });
});
