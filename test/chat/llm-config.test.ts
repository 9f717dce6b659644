import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** SPEC §3.7: the LLM assistant's variables, OPENAI_TIMEOUT a duration like the others. */

describe('OPENAI_* configuration', () => {
  it('defaults: no key (offline assistant), gpt-4o-mini, a 60 s turn', () => {
    expect(loadConfig({}).openai).toEqual({
      apiKey: undefined,
      baseUrl: undefined,
      model: 'gpt-4o-mini',
      timeoutMs: 60_000,
    });
  });

  it('OPENAI_TIMEOUT accepts seconds and units', () => {
    expect(loadConfig({ OPENAI_TIMEOUT: '90' }).openai.timeoutMs).toBe(90_000);
    expect(loadConfig({ OPENAI_TIMEOUT: '2m' }).openai.timeoutMs).toBe(120_000);
    expect(loadConfig({ OPENAI_TIMEOUT: '1500ms' }).openai.timeoutMs).toBe(1_500);
  });

  it('a bad OPENAI_TIMEOUT stops start-up with a message naming it', () => {
    for (const value of ['soon', '-5', '0']) {
      expect(() => loadConfig({ OPENAI_TIMEOUT: value })).toThrow(ConfigError);
      expect(() => loadConfig({ OPENAI_TIMEOUT: value })).toThrow(
        /OPENAI_TIMEOUT: must be a duration above zero, such as 900, 90s, 60s/,
      );
    }
  });
});
