import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-error.js';
import { MfaLoginStep } from './mfa-login-step.js';

const challenge = {
  mfa_required: true as const,
  mfa_token: 'tok',
  methods: ['totp' as const, 'recovery_code' as const],
};

describe('MfaLoginStep (the second step of a password sign-in)', () => {
  it('asks for a 6-digit one-time code, checks it locally, then sends it with the mfa_token', async () => {
    const onSubmit = vi.fn().mockResolvedValue({ access_token: 'a' });
    const onSuccess = vi.fn();
    render(<MfaLoginStep challenge={challenge} onSubmit={onSubmit} onSuccess={onSuccess} onBack={vi.fn()} />);
    const code = screen.getByLabelText('Authentication code');
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveAttribute('inputmode', 'numeric');
    const user = userEvent.setup();
    await user.type(code, '12');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Authentication code')).toHaveAccessibleDescription(
      expect.stringContaining('Enter the 6-digit code'),
    );
    await user.type(screen.getByLabelText('Authentication code'), '3 456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(onSubmit).toHaveBeenCalledWith({ mfa_token: 'tok', code: '123456' });
    expect(onSuccess).toHaveBeenCalled();
  });

  it('switches to a recovery code, and says clearly when it was wrong or the attempt expired', async () => {
    const onSubmit = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(401, { code: 'INVALID_MFA_CODE', detail: 'Invalid verification code' }))
      .mockRejectedValueOnce(new ApiError(401, { code: 'INVALID_MFA_TOKEN', detail: 'expired' }));
    const onBack = vi.fn();
    render(<MfaLoginStep challenge={challenge} onSubmit={onSubmit} onSuccess={vi.fn()} onBack={onBack} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    await user.type(screen.getByLabelText('Recovery code'), 'abcde-12345');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(onSubmit).toHaveBeenCalledWith({ mfa_token: 'tok', recovery_code: 'abcde-12345' });
    expect(await screen.findByText('That recovery code is not valid or was already used')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Recovery code'), 'abcde-12346');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/took too long or was already used/);
    await user.click(screen.getByRole('button', { name: /Back to email and password/ }));
    expect(onBack).toHaveBeenCalled();
  });
});
