import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tasks, users } from '../../db/schema.js';
import { isUniqueViolation } from '../../features/auth/users.repository.js';
import { operatorMessage } from '../../lib/error-causes.js';
import { checkTask, checkUser, type ImportTask } from './rows.js';
import type { SourceData, SourceTask } from './source.js';

export interface Tally {
  imported: number;
  skipped: number;
  rejected: number;
}

export interface ImportReport {
  users: Tally;
  tasks: Tally;
  /** Why rows were skipped, counted: "users: email already present" → 2. */
  skipReasons: Map<string, number>;
  /** One line per rejected row, naming it and why. */
  rejections: string[];
}

const BATCH = 500;

/**
 * Copies users and their tasks. Each user goes in with their tasks in one
 * transaction, so a failure never leaves half a user behind; a bad row is
 * reported and the import goes on. Emails already present are skipped, which
 * makes a re-run import nothing twice. With dryRun nothing is written.
 */
export async function importData(
  db: Db | null,
  source: SourceData,
  options: { dryRun: boolean; existingEmails: Set<string>; onUser?: () => void },
): Promise<ImportReport> {
  const report: ImportReport = {
    users: { imported: 0, skipped: 0, rejected: 0 },
    tasks: { imported: 0, skipped: 0, rejected: 0 },
    skipReasons: new Map(),
    rejections: [],
  };
  const skip = (kind: 'users' | 'tasks', reason: string, n = 1) => {
    if (n === 0) return;
    report[kind].skipped += n;
    const key = `${kind}: ${reason}`;
    report.skipReasons.set(key, (report.skipReasons.get(key) ?? 0) + n);
  };
  const now = new Date();

  const byOwner = new Map<string, SourceTask[]>();
  for (const task of source.tasks) {
    const list = byOwner.get(task.ownerId ?? '') ?? [];
    list.push(task);
    byOwner.set(task.ownerId ?? '', list);
  }
  const userIds = new Set(source.users.map((u) => u.id));
  for (const [owner, orphans] of byOwner) {
    if (userIds.has(owner)) continue;
    for (const task of orphans) report.rejections.push(`task id=${task.id}: owner ${owner || '(none)'} not in users`);
    report.tasks.rejected += orphans.length;
  }

  const seen = new Set(options.existingEmails);
  for (const row of source.users) {
    const own = byOwner.get(row.id) ?? [];
    const user = checkUser(row, now);
    options.onUser?.();
    if (!user.ok) {
      report.users.rejected++;
      report.rejections.push(`user id=${row.id} (${row.email ?? 'no email'}): ${user.reason}`);
      if (own.length > 0) {
        report.tasks.rejected += own.length;
        report.rejections.push(`  and its ${own.length} task(s): owner rejected`);
      }
      continue;
    }
    if (seen.has(user.value.email)) {
      skip('users', 'email already present');
      skip('tasks', 'owner already present', own.length);
      continue;
    }
    seen.add(user.value.email);
    const good: ImportTask[] = [];
    for (const task of own) {
      const checked = checkTask(task, now);
      if (checked.ok) good.push(checked.value);
      else {
        report.tasks.rejected++;
        report.rejections.push(`task id=${task.id} of ${user.value.email}: ${checked.reason}`);
      }
    }
    if (options.dryRun || !db) {
      report.users.imported++;
      report.tasks.imported += good.length;
      continue;
    }
    try {
      const outcome = await db.transaction(async (tx) => {
        const { id, ...values } = user.value;
        const idTaken = id ? (await tx.select({ id: users.id }).from(users).where(eq(users.id, id))).length > 0 : true;
        const [created] = await tx
          .insert(users)
          .values(idTaken ? values : { id: id as string, ...values })
          .onConflictDoNothing({ target: users.email })
          .returning({ id: users.id });
        if (!created) return 'present' as const;
        for (let i = 0; i < good.length; i += BATCH) {
          await tx.insert(tasks).values(good.slice(i, i + BATCH).map((t) => ({ ...t, ownerId: created.id })));
        }
        return 'imported' as const;
      });
      if (outcome === 'present') {
        skip('users', 'email already present');
        skip('tasks', 'owner already present', good.length);
      } else {
        report.users.imported++;
        report.tasks.imported += good.length;
      }
    } catch (error) {
      if (isUniqueViolation(error)) {
        skip('users', 'email already present');
        skip('tasks', 'owner already present', good.length);
        continue;
      }
      report.users.rejected++;
      report.tasks.rejected += good.length;
      const message = operatorMessage(error);
      report.rejections.push(
        `user id=${row.id} (${user.value.email}) and its tasks: database refused them: ${message}`,
      );
    }
  }
  return report;
}

export function summaryLine(report: ImportReport): string {
  const t = (x: Tally) => `${x.imported} imported, ${x.skipped} skipped, ${x.rejected} rejected`;
  return `users: ${t(report.users)}; tasks: ${t(report.tasks)}`;
}
