import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, register, type TestApp } from '../helpers/app.js';
import { codeBlocks } from './markdown.js';

/**
 * The README's MCP client recipes (issue 12), one per client: the URL and the
 * header each snippet configures, with a real personal access token put where
 * the snippet says, connect through the MCP SDK's Streamable HTTP client (what
 * these clients are built on), list the tools and call one. The clients
 * themselves cannot run here; mcp-remote and the Inspector's CLI were run by
 * hand (README, "Connect an MCP client").
 */

const README = join(resolve(import.meta.dirname, '../..'), 'README.md');
const recipes = codeBlocks(README).filter((b) =>
  ['Claude Code', 'Claude Desktop', 'VS Code', 'Cursor', 'MCP Inspector'].includes(b.heading),
);

interface Connection {
  url: string;
  headers: Record<string, string>;
}

type Servers = Record<
  string,
  { url?: string; headers?: Record<string, string>; args?: string[]; env?: Record<string, string> }
>;

/** What each client would send, read from its snippet; `pat` fills the snippet's placeholder. */
function connectionOf(heading: string, code: string, pat: string): Connection {
  const fill = (text: string) =>
    text
      .replace(/\$\{(input:tasktalk-token|env:TASKTALK_PAT)\}/g, pat)
      .replaceAll('$PAT', pat)
      .replaceAll('tt_pat_…', pat);
  if (heading === 'Claude Code' || heading === 'MCP Inspector') {
    const url = /(http:\/\/\S+\/mcp)/.exec(code)?.[1];
    const header = /--header "([^"]+)"/.exec(code)?.[1];
    if (!url || !header) throw new Error(`no URL or header in the ${heading} command`);
    const [name, ...value] = fill(header).split(':');
    return { url, headers: { [name as string]: value.join(':').trim() } };
  }
  const config = JSON.parse(code) as { servers?: Servers; mcpServers?: Servers };
  const server = (config.servers ?? config.mcpServers)?.tasktalk;
  if (!server) throw new Error(`${heading}: no "tasktalk" server`);
  if (server.url) {
    const headers = Object.fromEntries(Object.entries(server.headers ?? {}).map(([k, v]) => [k, fill(v)]));
    return { url: server.url, headers };
  }
  // mcp-remote: `<url> --header Name:${VAR}`, VAR from "env" (mcp-remote expands it itself).
  const args = server.args ?? [];
  const url = args.find((a) => a.startsWith('http'));
  const header = args[args.indexOf('--header') + 1] ?? '';
  const expanded = header.replace(/\$\{(\w+)\}/g, (_, name: string) => fill(server.env?.[name] ?? ''));
  const at = expanded.indexOf(':');
  if (!url || at < 0) throw new Error(`${heading}: no URL or --header in args`);
  return { url, headers: { [expanded.slice(0, at)]: expanded.slice(at + 1).trim() } };
}

let t: TestApp;
let port: number;
let pat: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
  const user = await register(t.app);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(user.accessToken),
    payload: { name: 'recipes', scopes: ['tasks:read', 'tasks:write'], password: user.password },
  });
  pat = res.json().token;
});
afterAll(() => t.close());

describe('README MCP client recipes', () => {
  it('has one for each client', () => {
    expect(recipes.map((r) => r.heading)).toEqual([
      'Claude Code',
      'Claude Desktop',
      'VS Code',
      'Cursor',
      'MCP Inspector',
    ]);
  });

  it.each(recipes.map((r) => [r.heading, r] as const))(
    '%s: its URL and header connect, list and call the tools',
    async (heading, recipe) => {
      const { url, headers } = connectionOf(heading, recipe.code, pat);
      expect(url).toBe('http://localhost:3000/mcp');
      expect(headers).toEqual({ Authorization: `Bearer ${pat}` });
      const client = new Client({ name: `readme-${heading}`, version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(url.replace('localhost:3000', `127.0.0.1:${port}`)), {
        requestInit: { headers },
      });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name).sort()).toEqual([
          'add_task',
          'complete_task',
          'delete_task',
          'list_tasks',
          'update_task',
        ]);
        const added = await client.callTool({ name: 'add_task', arguments: { title: `From ${heading}` } });
        expect(added.isError).toBeFalsy();
        expect(JSON.stringify(added.content)).toContain(`From ${heading}`);
      } finally {
        await client.close();
      }
    },
  );
});
