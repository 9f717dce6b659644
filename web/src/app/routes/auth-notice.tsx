import { Alert } from '../../components/ui/alert.js';
import type { AuthNotice } from '../../lib/auth-context.js';

const MESSAGES: Record<Exclude<AuthNotice, null>, string> = {
  revoked:
    'Your session was ended elsewhere (signed out on another device, or stopped for your security). Please sign in again.',
  expired: 'Your session has expired. Please sign in again.',
  'other-tab': 'You signed out in another tab.',
};

export function AuthNoticeAlert({ notice, wantsPage }: { notice: AuthNotice; wantsPage: boolean }) {
  if (notice) return <Alert kind={notice === 'other-tab' ? 'info' : 'error'}>{MESSAGES[notice]}</Alert>;
  if (wantsPage) return <Alert kind="info">Please sign in to continue.</Alert>;
  return null;
}
