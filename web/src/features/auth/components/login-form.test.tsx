import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-error.js';
import { LoginForm } from './login-form.js';

describe('LoginForm', () => {
  it('validates with the shared contract before calling the server', async () => {
    const onSubmit = vi.fn();
    render(<LoginForm onSubmit={onSubmit} onSuccess={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSubmit).not.toHaveBeenCalled();
    const email = screen.getByLabelText('Email');
    const errorId = email.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(errorId)).toHaveTextContent('Enter a valid email address');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is required');
  });

  it('shows the generic credentials error and clears the password', async () => {
    const onSubmit = vi
      .fn()
      .mockRejectedValue(new ApiError(401, { code: 'INVALID_CREDENTIALS', detail: 'Invalid email or password' }));
    render(<LoginForm onSubmit={onSubmit} onSuccess={vi.fn()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password');
    expect(screen.getByLabelText('Password')).toHaveValue('');
  });
});
