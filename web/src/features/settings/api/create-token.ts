import type { createdTokenSchema, createTokenRequest } from '@contracts/auth';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { useApi } from '../../../lib/auth-context.js';
import { TOKENS_KEY } from './list-tokens.js';

export type CreateToken = z.input<typeof createTokenRequest>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;

export function useCreateToken() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateToken) => client.request<CreatedToken>('/api/auth/tokens', { method: 'POST', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}
