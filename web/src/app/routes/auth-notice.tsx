import { Alert } from '../../components/ui/alert.js';
import type { AuthNotice } from '../../lib/auth-context.js';

const MESSAGES: Record<Exclude<AuthNotice, null>, string> = {
  revoked:
    'Your session was ended elsewhere (signed out on another device, or stopped for your security). Please sign in again.',
  expired: 'Your session has expired. Please sign in again.',
  'other-tab': 'You signed out in another tab.',
  'wrong-origin': 'This address is not the configured PUBLIC_URL, so Tasktalk cannot keep you signed in here.',
  'account-deleted': 'Your account was deleted, with all its tasks and conversations.',
};

const INFO = new Set<AuthNotice>(['other-tab', 'account-deleted']);

/** Why the login page is shown; `detail` is the server's own explanation, where it gave one. */
export function AuthNoticeAlert({
  notice,
  detail,
  wantsPage,
}: {
  notice: AuthNotice;
  detail?: string | undefined;
  wantsPage: boolean;
}) {
  if (notice) {
    return (
      <Alert kind={INFO.has(notice) ? 'info' : 'error'}>
        {/* The server's refusal names both addresses: it says it better than the generic line. */}
        {notice === 'wrong-origin' && detail ? detail : MESSAGES[notice]}
      </Alert>
    );
  }
  if (wantsPage) return <Alert kind="info">Please sign in to continue.</Alert>;
  return null;
}
