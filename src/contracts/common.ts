import { z } from 'zod';

/** RFC 9457 problem details, as every error response is shaped. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** MFA_REQUIRED: the second factors the user can give (`totp`, `recovery_code`, `passkey`). */
    methods: z.array(z.string()).optional(),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

export const messageSchema = z.object({ message: z.string() });

export const uuidParam = z.object({ id: z.string() });
