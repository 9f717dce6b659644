import assert from 'node:assert/strict';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { type Plan, type RecordedRequest, respond, startFakeOpenAI } from '../chat/fake-openai.js';
import { shot, watchErrors } from './browser.js';
import { assertFits, register } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * The chat page with the LLM assistant (SPEC §3.5, §4) against the fake
 * OpenAI-compatible provider: a reply arrives in pieces while the model writes,
 * the stop button ends it and keeps what was written, the page fits the window
 * at 1280×800 and at 375 px, and axe-core finds no serious or critical issue.
 */

const CONFIRMATION = 'Added “Buy milk”, due tomorrow. Anything else you would like me to put on your list today?';
const STORY = `Once upon a time ${'there was a very long list of tasks that went on and on, '.repeat(12)}the end.`;

const lastUserText = (req: RecordedRequest) => {
  const user = [...req.body.messages].reverse().find((m) => m.role === 'user');
  return Array.isArray(user?.content)
    ? (user.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('')
    : String(user?.content ?? '');
};

/** A small scripted model: it adds milk when asked, tells a slow story, otherwise answers briefly. */
function model(req: RecordedRequest): Plan {
  const last = req.body.messages.at(-1);
  const text = lastUserText(req).toLowerCase();
  if (last?.role === 'tool') return { content: CONFIRMATION, chunkSize: 3, chunkDelayMs: 45 };
  if (text.includes('buy milk')) {
    return { content: null, toolCalls: [{ name: 'add_task', arguments: { title: 'Buy milk', priority: 'medium' } }] };
  }
  if (text.includes('story')) return { content: STORY, chunkSize: 4, chunkDelayMs: 120 };
  return { content: `Noted: ${text.slice(0, 60)}. Nothing to change.`, chunkSize: 8, chunkDelayMs: 5 };
}

const liveBubble = (page: Page) => page.locator('.message.assistant.typing .bubble:not(.note)');

/** Samples the streaming bubble until the stored reply replaces it; returns the distinct texts seen. */
async function watchStream(page: Page, timeoutMs = 30_000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  await page.locator('.message.assistant.typing').waitFor();
  while ((await page.locator('.message.assistant.typing').count()) > 0) {
    if (Date.now() > deadline) throw new Error('the streamed reply never finished');
    const text =
      (await liveBubble(page)
        .first()
        .textContent({ timeout: 200 })
        .catch(() => null)) ?? '';
    if (text !== '' && text !== seen.at(-1)) seen.push(text);
    await new Promise((r) => setTimeout(r, 40));
  }
  return seen;
}

/** axe-core on the current page: prints counts by impact and fails on serious or critical ones. */
async function audit(page: Page, label: string) {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const runner = (globalThis as unknown as { axe: typeof axe }).axe;
    const result = await runner.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', nodes: v.nodes.length }));
  });
  const counts: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) counts[v.impact] = (counts[v.impact] ?? 0) + v.nodes;
  console.log(
    `    axe ${label}: ${JSON.stringify(counts)}${violations.length ? ` ${JSON.stringify(violations)}` : ''}`,
  );
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(blocking, [], `axe found serious/critical violations on ${label}`);
}

/** The page never scrolls as a whole: the composer and the top bar stay in the window. */
async function assertFitsWindow(page: Page, label: string) {
  const m = await page.evaluate(() => {
    interface Box {
      bottom: number;
    }
    interface El {
      scrollHeight: number;
      clientHeight: number;
      getBoundingClientRect(): Box;
    }
    const doc = (globalThis as unknown as { document: { documentElement: El; querySelector(s: string): El | null } })
      .document;
    const composer = doc.querySelector('.composer')?.getBoundingClientRect();
    const log = doc.querySelector('.messages');
    return {
      page: doc.documentElement.scrollHeight,
      window: (globalThis as unknown as { innerHeight: number }).innerHeight,
      composerBottom: composer?.bottom ?? Number.POSITIVE_INFINITY,
      logScrolls: log ? log.scrollHeight > log.clientHeight : false,
    };
  });
  console.log(
    `    ${label}: page ${m.page} px in a ${m.window} px window; composer bottom at ${Math.round(m.composerBottom)} px`,
  );
  assert.ok(m.page <= m.window, `${label}: the page is ${m.page} px tall in a ${m.window} px window`);
  assert.ok(m.composerBottom <= m.window, `${label}: the composer is below the window`);
  return m;
}

export function chatLlmSuite(): Suite {
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>> | undefined;
  return {
    name: 'chat with an LLM: streaming, stop, layout, accessibility',
    async setup() {
      fake = await startFakeOpenAI();
      fake.script([], respond(model));
      const running = fake;
      return {
        env: {
          OPENAI_API_KEY: 'sk-e2e-fake',
          OPENAI_BASE_URL: running.baseUrl,
          OPENAI_MODEL: 'fake-model',
          OPENAI_TIMEOUT: '60s',
        },
        stop: () => running.close(),
      };
    },
    steps: ({ browser, url, errors, screenshots }) => {
      let page: Page;
      const snap = async (name: string) => screenshots.push(await shot(page, name));
      return [
        {
          name: 'empty chat: example prompts, fits 1280×800, axe clean',
          async run() {
            const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
            watchErrors(context, errors);
            page = await context.newPage();
            await register(page, url, 'lin@example.com', 'Lin');
            await page.getByRole('list', { name: 'Example prompts' }).waitFor();
            await assertFitsWindow(page, '1280×800 empty');
            await audit(page, 'empty chat 1280×800');
            await snap('llm-01-empty-chat');
          },
        },
        {
          name: 'a streamed reply arrives in pieces, then the stored message with its action',
          async run() {
            await page.getByRole('button', { name: 'Add buy milk tomorrow' }).click();
            const input = page.getByLabel('Message the assistant');
            assert.equal(await input.inputValue(), 'Add buy milk tomorrow');
            await input.press('Enter');
            const seen = await watchStream(page);
            console.log(`    ${seen.length} intermediate states, e.g. ${JSON.stringify(seen.slice(0, 3))}`);
            assert.ok(seen.length >= 3, `expected the reply in pieces, saw ${JSON.stringify(seen)}`);
            for (let i = 1; i < seen.length; i++) {
              assert.ok(seen[i]?.startsWith(seen[i - 1] ?? ''), 'each state extends the previous one');
            }
            assert.ok((seen[0]?.length ?? 0) < CONFIRMATION.length, 'the first state is a part of the reply');
            const stored = page.locator('.message.assistant:not(.typing)').last();
            assert.equal((await stored.locator('.bubble').textContent())?.trim(), CONFIRMATION);
            await stored.locator('.tool-card.add_task').waitFor();
            await page.locator('.task-panel').getByText('Buy milk').waitFor();
          },
        },
        {
          name: 'stop ends a long reply and keeps what was written',
          async run() {
            const input = page.getByLabel('Message the assistant');
            await input.fill('tell me a story');
            await input.press('Enter');
            await page.getByRole('button', { name: 'Stop' }).waitFor();
            while (((await liveBubble(page).first().textContent()) ?? '').length < 40) {
              await new Promise((r) => setTimeout(r, 50));
            }
            await page.getByRole('button', { name: 'Stop' }).click();
            await page.locator('.message.assistant.typing').waitFor({ state: 'detached' });
            const stored = page.locator('.message.assistant:not(.typing) .bubble').last();
            const text = (await stored.textContent()) ?? '';
            assert.match(text, /^Once upon a time/);
            assert.match(text, /\(Stopped before the reply was finished\. Nothing was changed\.\)$/);
            assert.ok(text.length < STORY.length, 'the story was cut short');
            await page.getByRole('button', { name: 'Send' }).waitFor();
            // Nothing keeps writing after the stop.
            await new Promise((r) => setTimeout(r, 500));
            assert.equal(await stored.textContent(), text);
            await snap('llm-02-stopped');
          },
        },
        {
          name: 'a long conversation still fits 1280×800: only the log scrolls',
          async run() {
            const input = page.getByLabel('Message the assistant');
            for (let i = 1; i <= 6; i++) {
              const before = await page.locator('.message.assistant:not(.typing)').count();
              await input.fill(`note number ${i} about nothing in particular`);
              await input.press('Enter');
              await page.locator('.message.assistant:not(.typing)').nth(before).waitFor();
            }
            const m = await assertFitsWindow(page, '1280×800 long');
            assert.ok(m.logScrolls, 'the message log scrolls inside the page');
            await audit(page, 'conversation 1280×800');
            await snap('llm-03-long-conversation');
          },
        },
        {
          name: 'long titles are shortened; a conversation can be renamed',
          async run() {
            const first = page.locator('.conversations .conversation').first();
            const [scroll, client] = await first.evaluate((el) => [el.scrollWidth, el.clientWidth]);
            assert.ok(client <= 15 * 16, 'the title stays within its column');
            console.log(`    title button: ${scroll} px of text in ${client} px`);
            const title = (await first.getAttribute('title')) ?? '';
            await page.getByRole('button', { name: `Rename conversation ${title}` }).click();
            const field = page.getByLabel('Conversation title');
            await field.fill('Groceries');
            await field.press('Enter');
            await page.locator('.conversations .conversation', { hasText: 'Groceries' }).waitFor();
          },
        },
        {
          name: 'at 375 px: fits, no sideways scroll, panels open over the chat, axe clean',
          async run() {
            await page.setViewportSize({ width: 375, height: 740 });
            await assertFitsWindow(page, '375×740');
            await assertFits(page);
            await audit(page, 'conversation 375×740');
            await page.getByRole('button', { name: 'Conversations' }).click();
            await page.locator('.conversations .conversation', { hasText: 'Groceries' }).waitFor();
            await assertFitsWindow(page, '375×740 conversations open');
            await audit(page, 'conversations panel 375×740');
            await page.getByRole('button', { name: 'Pending tasks' }).click();
            await page.locator('.task-panel').getByText('Buy milk').waitFor();
            await snap('llm-04-phone-tasks');
            await page.getByRole('button', { name: 'Pending tasks' }).click();
          },
        },
      ];
    },
  };
}
