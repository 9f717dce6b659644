/**
 * Manual check (not part of npm test; downloads the Inspector): the MCP
 * Inspector's CLI connects to /mcp with only the URL, through OAuth.
 *
 *   npm run build && node scripts/build-server.mjs && node scripts/check-inspector-oauth.mjs [inspector-version]
 *
 * Starts the compiled server on 127.0.0.1:3555 with a throw-away embedded
 * database, registers a user, runs `inspector --cli <url>/mcp --method tools/list`
 * in a pseudo-terminal (`script`, so it prints the authorization URL), plays the
 * browser's part through the consent page's API (approve as that user), and
 * lets the Inspector finish the code exchange and list the tools.
 * Verified with @modelcontextprotocol/inspector 2.12.0 on Node 20.20.2.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const version = process.argv[2] ?? '2.12.0';
const BASE = 'http://127.0.0.1:3555';
const dir = mkdtempSync(join(tmpdir(), 'tasktalk-inspector-'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const server = spawn(process.execPath, ['dist/server.js'], {
  env: {
    ...process.env,
    PORT: '3555',
    HOST: '127.0.0.1',
    PUBLIC_URL: BASE,
    DATA_DIR: join(dir, 'data'),
    DATABASE_URL: '',
    REDIS_URL: '',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let inspector;
let exitCode = 1;
try {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/readyz`)).ok) break;
    } catch {}
    await sleep(500);
  }
  const registered = await fetch(`${BASE}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `inspector-${Date.now()}@example.com`, password: 'Sturdy-Lamp-42' }),
  });
  const { access_token: accessToken } = await registered.json();
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };

  const command = `npx -y @modelcontextprotocol/inspector@${version} --cli ${BASE}/mcp --method tools/list`;
  inspector = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, HOME: join(dir, 'home'), BROWSER: 'true', MCP_INSPECTOR_SECRET_STORE: 'memory' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let approved = false;
  const onData = async (chunk) => {
    output += chunk.toString();
    process.stdout.write(chunk);
    // The URL is printed as an OSC 8 terminal hyperlink: stop at ESC, BEL or ']'.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control characters end the URL
    const match = /(http:\/\/127\.0\.0\.1:3555\/oauth\/authorize\?[^\s\x1b\x07"'\]]+)/.exec(output);
    if (!match || approved) return;
    approved = true;
    const authorize = await fetch(match[1], { redirect: 'manual' });
    const consent = new URL(authorize.headers.get('location') ?? '', BASE);
    const id = consent.searchParams.get('request');
    const view = await (await fetch(`${BASE}/api/oauth/requests/${id}`, { headers: auth })).json();
    console.log(`\n[check] consent page: ${view.client?.name} → ${view.redirect_host}, ${view.scopes?.join(' ')}`);
    const decision = await fetch(`${BASE}/api/oauth/requests/${id}/decision`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ approve: true }),
    });
    const { redirect_to: redirectTo } = await decision.json();
    console.log(`[check] browser returns to the Inspector: ${(await fetch(redirectTo)).status}`);
  };
  inspector.stdout.on('data', (c) => onData(c).catch((e) => console.error('[check]', e)));
  inspector.stderr.on('data', (c) => onData(c).catch((e) => console.error('[check]', e)));
  const code = await new Promise((resolve) => {
    inspector.on('exit', resolve);
    setTimeout(() => resolve('timeout'), 180_000);
  });
  const listed = output.includes('"add_task"') && output.includes('"list_tasks"');
  console.log(`\n[check] inspector exited ${code}; authorized: ${approved}; tools listed: ${listed}`);
  exitCode = code === 0 && approved && listed ? 0 : 1;
} finally {
  inspector?.kill('SIGKILL');
  server.kill('SIGTERM');
  await sleep(1_000);
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
