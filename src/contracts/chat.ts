import { z } from 'zod';

/**
 * Request and response shapes of the chat assistant (SPEC §3.5), shared by the
 * server (validation, OpenAPI) and the web app.
 */

export const chatRequest = z.strictObject({
  message: z
    .string({ error: 'Message is required' })
    .trim()
    .min(1, { error: 'Message must not be empty' })
    .max(2000, { error: 'Message must be at most 2000 characters' }),
  conversation_id: z.string().optional(),
});
export type ChatRequest = z.infer<typeof chatRequest>;

export const toolCallSchema = z
  .object({
    tool_name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    result: z.unknown(),
  })
  .meta({ id: 'ToolCall' });
export type ToolCall = z.infer<typeof toolCallSchema>;

export const chatResponse = z
  .object({
    conversation_id: z.string(),
    response: z.string(),
    tool_calls: z.array(toolCallSchema),
  })
  .meta({ id: 'ChatResponse' });
export type ChatResponse = z.infer<typeof chatResponse>;

export const conversationSchema = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Conversation' });
export type Conversation = z.infer<typeof conversationSchema>;

export const chatMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    tool_calls: z.array(toolCallSchema),
    created_at: z.string(),
  })
  .meta({ id: 'ChatMessage' });
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** PATCH /api/conversations/:id: rename. One line of visible text (no control or bidi/format characters). */
export const renameConversationRequest = z.strictObject({
  title: z
    .string({ error: 'Title is required' })
    .trim()
    .min(1, { error: 'Title must not be empty' })
    .max(100, { error: 'Title must be at most 100 characters' })
    .refine((value) => !/[\p{Cc}\p{Cf}]/u.test(value), {
      error: 'Title must not contain control or formatting characters',
    }),
});
export type RenameConversationRequest = z.infer<typeof renameConversationRequest>;

export const conversationListResponse = z.object({ items: z.array(conversationSchema) });

export const conversationDetailResponse = conversationSchema
  .extend({ messages: z.array(chatMessageSchema) })
  .meta({ id: 'ConversationDetail' });
