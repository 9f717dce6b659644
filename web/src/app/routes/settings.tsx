import { useNavigate } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { PasswordFeedback } from '../../features/auth/components/password-feedback.js';
import { TwoFactorSection } from '../../features/mfa/components/two-factor-section.js';
import { PasskeysSection } from '../../features/passkeys/components/passkeys-section.js';
import { useLogoutAll } from '../../features/settings/api/logout-all.js';
import { ConnectedAppsSection } from '../../features/settings/components/connected-apps-section.js';
import { DataSection } from '../../features/settings/components/data-section.js';
import { EmailForm } from '../../features/settings/components/email-form.js';
import { PasswordForm } from '../../features/settings/components/password-form.js';
import { ProfileForm } from '../../features/settings/components/profile-form.js';
import { SessionsList } from '../../features/settings/components/sessions-list.js';
import { TimeZoneForm } from '../../features/settings/components/time-zone-form.js';
import { TokensSection } from '../../features/settings/components/tokens-section.js';
import { messageOf } from '../../lib/api-error.js';
import { useAuth } from '../../lib/auth-context.js';
import { useTitle } from '../../lib/use-title.js';

export function SettingsPage() {
  useTitle('Settings');
  const { state, setUser, signedOut } = useAuth();
  const logoutAll = useLogoutAll();
  const navigate = useNavigate();
  const user = state.user;
  if (!user) return null;
  return (
    <div className="page narrow settings">
      <h1>Settings</h1>
      <div className="card">
        <ProfileForm user={user} onSaved={setUser} />
      </div>
      <div className="card">
        <TimeZoneForm user={user} onSaved={setUser} />
      </div>
      <div className="card">
        <EmailForm user={user} />
      </div>
      <div className="card">
        <PasswordForm email={user.email} feedback={(p) => <PasswordFeedback password={p} email={user.email} />} />
      </div>
      <div className="card">
        <TwoFactorSection email={user.email} />
        <PasskeysSection email={user.email} />
      </div>
      <div className="card">
        <SessionsList />
      </div>
      <div className="card">
        <TokensSection email={user.email} />
      </div>
      <div className="card">
        <ConnectedAppsSection />
      </div>
      <div className="card">
        <DataSection
          email={user.email}
          onDeleted={() => {
            signedOut('account-deleted');
            navigate('/login', { replace: true });
          }}
        />
      </div>
      <div className="card danger-zone">
        <h2>Log out everywhere</h2>
        <p className="muted">
          Ends every session on every device, including this one. Personal access tokens stay valid: revoke them above.
        </p>
        {logoutAll.error && <Alert>{messageOf(logoutAll.error)}</Alert>}
        <button
          type="button"
          className="danger"
          disabled={logoutAll.isPending}
          onClick={async () => {
            await logoutAll.mutateAsync();
            signedOut(null);
            navigate('/login', { replace: true });
          }}
        >
          Log out everywhere
        </button>
      </div>
    </div>
  );
}
