import type { Db } from '../../db/client.js';
import type { StoredToolCall } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { findTimeZone } from '../auth/users.repository.js';
import type { Assistant, AssistantReply, AssistantTurn, HistoryMessage } from './assistant.js';
import { type ConversationRow, createConversationsRepository, type MessageRow } from './conversations.repository.js';

/**
 * One chat turn, stateless: the conversation and its history are read from the
 * database on every request, the user's message is stored before the assistant
 * runs (so it survives a provider failure), and the reply is stored after.
 */

export interface StartedTurn {
  conversation: ConversationRow;
  history: HistoryMessage[];
  message: string;
  userId: string;
}

const TITLE_LENGTH = 60;

/** A conversation's first title: the first message on one line, cut at a word boundary. */
export function titleFrom(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_LENGTH) return line;
  const cut = line.slice(0, TITLE_LENGTH - 1);
  const space = line[TITLE_LENGTH - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  return `${(space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

export function toHistory(rows: MessageRow[]): HistoryMessage[] {
  return rows.map((m) => ({
    role: m.role,
    content: m.content,
    toolCalls: m.toolCalls,
    llmItems: m.llmItems,
    offlineMemo: m.offlineMemo,
  }));
}

export function createChatService(deps: {
  db: Db;
  clock: Clock;
  assistant: Assistant;
  /** Where failing tools log their error (the user and the model only see a stable code). */
  log?: { error(obj: unknown, msg: string): void };
}) {
  const { db, clock, assistant } = deps;
  const conversations = createConversationsRepository(db);
  const now = () => new Date(clock.now());

  return {
    conversations,
    assistantKind: assistant.kind,

    /** Finds (or starts) the conversation and stores the user's message. Foreign ids are 404. */
    async start(
      userId: string,
      input: { message: string; conversation_id?: string | undefined },
    ): Promise<StartedTurn> {
      let conversation: ConversationRow | null;
      let history: HistoryMessage[] = [];
      if (input.conversation_id !== undefined) {
        conversation = await conversations.find(userId, input.conversation_id);
        if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
        history = toHistory(await conversations.recentMessages(userId, conversation.id));
      } else {
        conversation = await conversations.create(userId, titleFrom(input.message), now());
      }
      await conversations.addMessage({
        conversationId: conversation.id,
        userId,
        role: 'user',
        content: input.message,
        toolCalls: null,
        now: now(),
      });
      return { conversation, history, message: input.message, userId };
    },

    /**
     * Runs the assistant as the user and stores its reply. `live` carries the
     * streaming hooks and the client's abort signal; a stopped turn is stored too,
     * with what it had written and done.
     */
    async answer(
      turn: StartedTurn,
      live: Pick<AssistantTurn, 'signal' | 'onDelta' | 'onToolCall' | 'onStatus'> = {},
    ): Promise<AssistantReply & { conversationId: string }> {
      const timeZone = await findTimeZone(db, turn.userId);
      const reply = await assistant.reply({
        history: turn.history,
        message: turn.message,
        ctx: { db, userId: turn.userId, now: now(), timeZone, log: deps.log },
        ...live,
      });
      const toolCalls: StoredToolCall[] = reply.toolCalls;
      await conversations.addMessage({
        conversationId: turn.conversation.id,
        userId: turn.userId,
        role: 'assistant',
        content: reply.response,
        toolCalls: toolCalls.length > 0 ? toolCalls : null,
        llmItems: reply.llmItems && reply.llmItems.length > 0 ? reply.llmItems : null,
        offlineMemo: reply.offlineMemo ?? null,
        now: now(),
      });
      return { ...reply, conversationId: turn.conversation.id };
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
