import { randomBytes, randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks, users } from '../../src/db/schema.js';
import { createTestApp, login, type TestApp } from '../helpers/app.js';
import { legacyBcrypt } from '../helpers/bcrypt.js';
import { TEST_DATABASE_URL } from '../helpers/database.js';
import { runCli } from './run-cli.js';

const SLOW = 240_000;

/** A fresh database on the TEST_DATABASE_URL server, shaped by `ddl`: the FastAPI system to import from. */
async function sourceDatabase(ddl: (sql: postgres.Sql) => Promise<void>) {
  const name = `tasktalk_src_${randomBytes(6).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL as string);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await ddl(sql);
  await sql.end();
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe.runIf(Boolean(TEST_DATABASE_URL))('tasktalk import (needs PostgreSQL: TEST_DATABASE_URL)', () => {
  let t: TestApp;
  let env: Record<string, string>;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    t = await createTestApp();
    env = { DATABASE_URL: t.database.url as string };
  }, SLOW);
  afterAll(async () => {
    await t?.close();
    for (const cleanup of cleanups) await cleanup();
  });

  it(
    'copies passlib-style bcrypt users and their tasks; logins upgrade to argon2id; dry-run and re-run change nothing',
    async () => {
      // passlib's CryptContext(schemes=["bcrypt"]) default: $2b$, 12 rounds.
      const ada = { id: randomUUID(), email: 'Ada@Example.com', password: 'Analytical-Engine-1843' };
      const bob = { id: randomUUID(), email: 'bob@example.com', password: 'Difference-Engine-1822' };
      const [adaHash, bobHash] = await Promise.all([
        legacyBcrypt(ada.password, '2b'),
        legacyBcrypt(bob.password, '2b'),
      ]);
      expect(adaHash).toMatch(/^\$2b\$12\$/);
      const source = await sourceDatabase(async (sql) => {
        await sql`create table users (id uuid primary key, email varchar(255) not null, name varchar(100),
          hashed_password varchar(255), is_active boolean not null default true,
          created_at timestamp not null default now(), updated_at timestamp)`;
        await sql`create table tasks (id serial primary key, user_id uuid references users(id), title varchar(500),
          description text, is_completed boolean not null default false, created_at timestamp, updated_at timestamp)`;
        await sql`insert into users (id, email, name, hashed_password, created_at) values
          (${ada.id}, ${ada.email}, 'Ada', ${adaHash}, '2024-03-01 10:00:00'),
          (${bob.id}, ${bob.email}, null, ${bobHash}, '2024-03-02 11:00:00'),
          (${randomUUID()}, 'not-an-email', 'Mallory', ${bobHash}, now()),
          (${randomUUID()}, 'carol@example.com', 'Carol', 'plaintext-password', now()),
          (${randomUUID()}, 'dan@example.com', 'Dan', null, now())`;
        await sql`insert into tasks (user_id, title, description, is_completed, created_at) values
          (${ada.id}, 'Write the first program', 'Note G', true, '2024-03-05 09:30:00'),
          (${ada.id}, 'Translate Menabrea', null, false, '2024-03-06 09:30:00'),
          (${ada.id}, '   ', null, false, now()),
          (${bob.id}, 'Build the engine', null, false, now()),
          (${bob.id}, ${'x'.repeat(201)}, null, false, now())`;
      });
      cleanups.push(source.drop);
      const db = t.database.db;

      const dry = await runCli(['import', '--from', source.url, '--dry-run'], { env });
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('Dry run: nothing was written');
      expect(dry.stdout).toContain(
        'users: 2 imported, 0 skipped, 3 rejected; tasks: 3 imported, 0 skipped, 2 rejected',
      );
      expect(
        await db
          .select()
          .from(users)
          .where(inArray(users.email, ['ada@example.com', 'bob@example.com'])),
      ).toEqual([]);

      const run = await runCli(['import', '--from', source.url], { env });
      expect(run.code, run.stderr).toBe(0);
      const summary = 'users: 2 imported, 0 skipped, 3 rejected; tasks: 3 imported, 0 skipped, 2 rejected';
      expect(run.stdout).toContain(summary);
      // Each malformed row is named with its reason.
      expect(run.stdout).toMatch(/rejected user id=\S+ \(not-an-email\): invalid email/);
      expect(run.stdout).toMatch(/rejected user id=\S+ \(carol@example.com\): unsupported password hash format/);
      expect(run.stdout).toMatch(/rejected user id=\S+ \(dan@example.com\): no password hash/);
      expect(run.stdout).toMatch(/rejected task id=\d+ of ada@example.com: Title must not be empty/);
      expect(run.stdout).toMatch(/rejected task id=\d+ of bob@example.com: Title must be at most 200 characters/);
      expect(run.stderr).not.toContain(adaHash);

      const [imported] = await db.select().from(users).where(eq(users.email, 'ada@example.com'));
      expect(imported).toMatchObject({ id: ada.id, name: 'Ada', passwordHash: adaHash, isActive: true });
      expect(imported?.createdAt.toISOString()).toBe('2024-03-01T10:00:00.000Z');
      const adaTasks = await db.select().from(tasks).where(eq(tasks.ownerId, ada.id));
      expect(adaTasks.map((x) => [x.title, x.description, x.completed]).sort()).toEqual([
        ['Translate Menabrea', null, false],
        ['Write the first program', 'Note G', true],
      ]);
      for (const email of ['carol@example.com', 'dan@example.com']) {
        expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
      }

      // The bcrypt hash verifies through the HTTP API and is replaced by argon2id.
      for (const person of [ada, bob]) {
        const res = await login(t.app, person.email, person.password);
        expect(res.statusCode, res.body).toBe(200);
        const [row] = await db.select().from(users).where(eq(users.email, person.email.toLowerCase()));
        expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      }
      expect((await login(t.app, bob.email, 'Wrong-Password-1')).statusCode).toBe(401);

      const again = await runCli(['import', '--from', source.url], { env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(
        'users: 0 imported, 2 skipped, 3 rejected; tasks: 0 imported, 5 skipped, 0 rejected',
      );
      expect(again.stdout).toContain('skipped 2 users: email already present');
      // A present user's tasks are left alone, valid or not: they were reported on the first run.
      expect(again.stdout).toContain('skipped 5 tasks: owner already present');
      expect(
        await db
          .select()
          .from(tasks)
          .where(inArray(tasks.ownerId, [ada.id, bob.id])),
      ).toHaveLength(3);
    },
    SLOW,
  );

  it(
    'reads the other column names (password_hash, owner_id, completed) and integer ids; names what is missing',
    async () => {
      const hash = await legacyBcrypt('Pascaline-Adder-1642', '2b');
      const source = await sourceDatabase(async (sql) => {
        await sql`create table users (id serial primary key, email text, password_hash text, is_active boolean)`;
        await sql`create table tasks (id serial primary key, owner_id int, title text, completed boolean)`;
        await sql`insert into users (email, password_hash, is_active) values ('blaise@example.com', ${hash}, false)`;
        await sql`insert into tasks (owner_id, title, completed) values (1, 'Add numbers', true), (99, 'Orphan', false)`;
      });
      cleanups.push(source.drop);
      const res = await runCli(['import', '--from', source.url], { env });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(
        'users: 1 imported, 0 skipped, 0 rejected; tasks: 1 imported, 0 skipped, 1 rejected',
      );
      expect(res.stdout).toContain('owner 99 not in users');
      const [blaise] = await t.database.db.select().from(users).where(eq(users.email, 'blaise@example.com'));
      expect(blaise?.isActive).toBe(false);
      const [task] = await t.database.db
        .select()
        .from(tasks)
        .where(eq(tasks.ownerId, blaise?.id as string));
      expect(task).toMatchObject({ title: 'Add numbers', completed: true });

      const bad = await sourceDatabase(async (sql) => {
        await sql`create table users (id serial primary key, email text, password text)`;
      });
      cleanups.push(bad.drop);
      const refused = await runCli(['import', '--from', bad.url], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('has no password_hash or hashed_password column (it has: email, id, password)');
      const usage = await runCli(['import'], { env });
      expect(usage.code).toBe(2);
    },
    SLOW,
  );
});
