import type { TotpSetupResponse } from '@contracts/mfa';
import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { Loading } from '../../../components/ui/spinner.js';
import { ApiError, fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useDates } from '../../../lib/use-dates.js';
import { useDisableTotp } from '../api/disable-totp.js';
import { useEnableTotp } from '../api/enable-totp.js';
import { useMfaStatus } from '../api/mfa-status.js';
import { useRegenerateCodes } from '../api/regenerate-codes.js';
import { useSetupTotp } from '../api/setup-totp.js';
import { RecoveryCodesView } from './recovery-codes-view.js';
import { useSecondFactor } from './second-factor-field.js';

/** The otpauth:// URL as a QR code, drawn here (no outside service sees the secret). */
function QrCode({ url }: { url: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(url, { margin: 1, width: 200, errorCorrectionLevel: 'M' }).then(
      (data) => live && setSrc(data),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return src ? (
    <img className="qr-code" src={src} width={200} height={200} alt="QR code for your authenticator app" />
  ) : (
    <Loading />
  );
}

/** Groups the base32 secret in fours, as apps show it, for typing by hand. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

function SetupFlow({ email, onCodes, onCancel }: { email: string; onCodes(codes: string[]): void; onCancel(): void }) {
  const setup = useSetupTotp();
  const enable = useEnableTotp();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [pending, setPending] = useState<TotpSetupResponse | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function start(event: FormEvent) {
    event.preventDefault();
    if (!password) return setErrors({ password: 'Enter your password to continue' });
    try {
      setPending(await setup.mutateAsync(password));
      setPassword('');
      setErrors({});
    } catch (e) {
      setErrors({ password: fieldErrorsOf(e).password ?? messageOf(e) });
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    const digits = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(digits)) return setErrors({ code: 'Enter the 6-digit code your app shows' });
    try {
      const result = await enable.mutateAsync(digits);
      onCodes(result.recovery_codes);
    } catch (e) {
      setCode('');
      setErrors({
        code:
          e instanceof ApiError && e.code === 'INVALID_MFA_CODE'
            ? 'That code is not right. Check the time on your phone and enter the current code.'
            : messageOf(e),
      });
    }
  }

  if (!pending) {
    return (
      <form onSubmit={start} noValidate aria-label="Set up an authenticator app">
        <input type="hidden" autoComplete="username" value={email} readOnly />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <button type="submit" className="primary" disabled={setup.isPending}>
          Continue
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <form onSubmit={confirm} noValidate aria-label="Confirm the authenticator app">
      <ol className="steps">
        <li>
          Scan this QR code with an authenticator app (Google Authenticator, 1Password, Authy, Aegis…).
          <QrCode url={pending.otpauth_url} />
        </li>
        <li>
          Or type this key into the app:{' '}
          <code className="totp-secret" data-secret={pending.secret}>
            {grouped(pending.secret)}
          </code>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <Field
        label="Authentication code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]*"
        maxLength={7}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={errors.code}
      />
      <button type="submit" className="primary" disabled={enable.isPending}>
        Turn on
      </button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** Password + second factor, then `action` (new recovery codes, or turning the app off). */
function StepUpForm({
  email,
  label,
  danger,
  onConfirm,
  onCancel,
}: {
  email: string;
  label: string;
  danger?: boolean;
  onConfirm(body: { password: string; code?: string; recovery_code?: string }): Promise<void>;
  onCancel(): void;
}) {
  const factor = useSecondFactor({ alwaysShown: true });
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) return setError('Enter your password to continue');
    setBusy(true);
    try {
      await onConfirm({ password, ...factor.proof() });
    } catch (e) {
      if (!factor.handle(e)) setError(fieldErrorsOf(e).password ?? messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={label}>
      <input type="hidden" autoComplete="username" value={email} readOnly />
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
          setError(undefined);
        }}
        error={error}
      />
      {factor.field}
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
        {label}
      </button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

type Mode = 'idle' | 'setup' | 'regenerate' | 'disable';

/** Settings › Two-factor authentication (SPEC §3.9, §4). */
export function TwoFactorSection({ email }: { email: string }) {
  const status = useMfaStatus();
  const regenerate = useRegenerateCodes();
  const disable = useDisableTotp();
  const { dateTime } = useDates();
  const [mode, setMode] = useState<Mode>('idle');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section aria-labelledby="mfa-section-title">
      <h2 id="mfa-section-title">Two-factor authentication</h2>
      <p className="muted">
        Ask for a code from an authenticator app on your phone after your password, so a stolen password alone cannot
        open your account.
      </p>
      {notice && <p role="status">{notice}</p>}
      {codes && <RecoveryCodesView codes={codes} onDone={() => setCodes(null)} />}
      {status.isPending ? (
        <Loading />
      ) : status.error ? (
        <Alert>{messageOf(status.error)}</Alert>
      ) : status.data.totp_enabled ? (
        <>
          <p className="mfa-status">
            <strong>On</strong>: authenticator app
            {status.data.totp_enabled_at ? ` since ${dateTime(status.data.totp_enabled_at)}` : ''}.{' '}
            {status.data.recovery_codes_remaining} of 10 recovery codes left.
          </p>
          {mode === 'regenerate' ? (
            <StepUpForm
              email={email}
              label="Make new recovery codes"
              onCancel={() => setMode('idle')}
              onConfirm={async (body) => {
                const result = await regenerate.mutateAsync(body);
                setCodes(result.recovery_codes);
                setNotice('Your old recovery codes no longer work.');
                setMode('idle');
              }}
            />
          ) : mode === 'disable' ? (
            <StepUpForm
              email={email}
              label="Turn off two-factor authentication"
              danger
              onCancel={() => setMode('idle')}
              onConfirm={async (body) => {
                await disable.mutateAsync(body);
                setCodes(null);
                setNotice('Two-factor authentication is off. Your password alone signs you in.');
                setMode('idle');
              }}
            />
          ) : (
            <div className="row">
              <button type="button" onClick={() => setMode('regenerate')}>
                New recovery codes…
              </button>
              <button type="button" className="danger" onClick={() => setMode('disable')}>
                Turn off…
              </button>
            </div>
          )}
        </>
      ) : mode === 'setup' ? (
        <SetupFlow
          email={email}
          onCancel={() => setMode('idle')}
          onCodes={(fresh) => {
            setCodes(fresh);
            setNotice('Two-factor authentication is on.');
            setMode('idle');
          }}
        />
      ) : (
        <>
          <p className="mfa-status">
            <strong>Off</strong>.
          </p>
          <button type="button" className="primary" onClick={() => setMode('setup')}>
            Set up an authenticator app
          </button>
        </>
      )}
    </section>
  );
}
