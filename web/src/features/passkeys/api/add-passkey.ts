import type { Passkey, PasskeyCreationOptions } from '@contracts/passkeys';
import { type PublicKeyCredentialCreationOptionsJSON, startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { PASSKEYS_KEY } from './list-passkeys.js';

/** POST register/options (a step-up: password, and a code with two-factor on), the browser's create(), then POST register/verify. */
export function useAddPasskey() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      name,
      ...stepUp
    }: {
      name: string;
      password: string;
      code?: string;
      recovery_code?: string;
    }) => {
      const options = await client.request<PasskeyCreationOptions>('/api/auth/passkeys/register/options', {
        method: 'POST',
        body: stepUp,
      });
      const response = await startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON });
      return client.request<Passkey>('/api/auth/passkeys/register/verify', {
        method: 'POST',
        body: { ...(name.trim() ? { name } : {}), response },
      });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: PASSKEYS_KEY }),
  });
}
