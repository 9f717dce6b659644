import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { Loading } from '../../../components/ui/spinner.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useDates } from '../../../lib/use-dates.js';
import { useSecondFactor } from '../../mfa/components/second-factor-field.js';
import { type CreatedToken, useCreateToken } from '../api/create-token.js';
import { usePersonalTokens } from '../api/list-tokens.js';
import { useRevokeToken } from '../api/revoke-token.js';

type Scope = 'tasks:read' | 'tasks:write';

function NewToken({ token, onDismiss }: { token: CreatedToken; onDismiss(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="new-token" role="status">
      <p>
        <strong>Copy your new token now.</strong> It is shown only once.
      </p>
      <div className="row">
        <input
          className="secret"
          readOnly
          value={token.token}
          aria-label="New personal access token"
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="primary small"
          onClick={async () => {
            await navigator.clipboard?.writeText(token.token);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <button type="button" className="ghost small" onClick={onDismiss}>
        Done
      </button>
    </div>
  );
}

export function TokensSection({ email }: { email: string }) {
  const { date } = useDates();
  const tokens = usePersonalTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['tasks:read', 'tasks:write']);
  const [days, setDays] = useState('90');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const factor = useSecondFactor();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Name must not be empty';
    if (scopes.length === 0) local.scopes = 'Choose at least one scope';
    if (!password) local.password = 'Enter your password to create a token';
    setErrors(local);
    if (Object.keys(local).length) return;
    try {
      // "never" is sent as null on purpose; the server's default would be 90 days.
      const token = await create.mutateAsync({
        name,
        scopes,
        password,
        ...factor.proof(),
        expires_in_days: days ? Number(days) : null,
      });
      setCreated(token);
      setName('');
      setPassword('');
      factor.reset();
    } catch (e) {
      // 401 MFA_REQUIRED: the code field appears and the form is sent again with it.
      if (factor.handle(e)) return;
      const fields = fieldErrorsOf(e);
      setErrors(Object.keys(fields).length ? fields : { password: messageOf(e) });
    }
  }

  const toggleScope = (scope: Scope) =>
    setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Personal access tokens</h2>
      <p className="muted">
        For MCP and command-line clients that manage your tasks. Tokens stay valid when you log out everywhere; changing
        your password can revoke them.
      </p>
      {created && <NewToken token={created} onDismiss={() => setCreated(null)} />}
      <form onSubmit={submit} noValidate className="token-form" aria-label="Create a token">
        <Field
          label="Token name"
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          placeholder="e.g. laptop MCP"
        />
        <fieldset aria-describedby={errors.scopes ? 'scopes-error' : undefined}>
          <legend>Scopes</legend>
          {(['tasks:read', 'tasks:write'] as const).map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggleScope(scope)} />
              {scope}
            </label>
          ))}
          {errors.scopes && (
            <p id="scopes-error" className="field-error">
              {errors.scopes}
            </p>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor="token-expiry">Expires</label>
          <select id="token-expiry" value={days} onChange={(e) => setDays(e.target.value)}>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </div>
        <input type="hidden" autoComplete="username" value={email} readOnly />
        <Field
          label="Your password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        {factor.field}
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {tokens.isPending && <Loading />}
      {tokens.error && <Alert>{messageOf(tokens.error)}</Alert>}
      {tokens.data?.length === 0 && <p className="muted small">No tokens yet.</p>}
      <ul className="tokens">
        {tokens.data?.map((t) => (
          <li key={t.id}>
            <div>
              <strong>{t.name}</strong> <span className="muted small">{t.scopes.join(', ')}</span>
              <p className="muted small">
                Created {date(t.created_at)} · expires {t.expires_at ? date(t.expires_at) : 'never'} · last used{' '}
                {t.last_used_at ? date(t.last_used_at) : 'never'}
              </p>
            </div>
            <button
              type="button"
              className="ghost small danger"
              onClick={() => revoke.mutate(t.id)}
              aria-label={`Revoke token ${t.name}`}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
