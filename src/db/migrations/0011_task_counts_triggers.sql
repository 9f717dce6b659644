-- Keeps task_counts exact in the same transaction as every write to tasks, whichever
-- door the write came through: the API, the assistant, MCP, `tasktalk import`, an
-- account deletion (ON DELETE CASCADE) or a psql session (decision 011).
--
-- No task can be written between creating the triggers and counting the existing rows:
-- this lock is held until the migration commits.
LOCK TABLE "tasks" IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
-- Inserts: once per statement, from the transition table, so an import of 10,000 tasks
-- changes its owner's row once. Owners are locked in id order: two statements that add
-- tasks for the same owners cannot deadlock on their counters.
CREATE FUNCTION task_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_counts AS c (owner_id, total, completed)
  SELECT owner_id, count(*), count(*) FILTER (WHERE completed)
  FROM added GROUP BY owner_id ORDER BY owner_id
  ON CONFLICT (owner_id) DO UPDATE
    SET total = c.total + excluded.total, completed = c.completed + excluded.completed;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_count_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION task_counts_add();
--> statement-breakpoint
-- Deletes: once per statement too (an account deletion removes all of a user's tasks
-- in one cascaded statement). Only UPDATE, never INSERT: during an account deletion the
-- owner's counter row may already be gone, and must stay gone.
CREATE FUNCTION task_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT owner_id, count(*) AS total, count(*) FILTER (WHERE completed) AS completed
    FROM removed GROUP BY owner_id ORDER BY owner_id
  LOOP
    UPDATE task_counts SET total = total - r.total, completed = completed - r.completed
    WHERE owner_id = r.owner_id;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_count_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION task_counts_remove();
--> statement-breakpoint
-- Updates: per row, and only when `completed` (or the owner) really changed. PostgreSQL
-- allows no transition tables on a trigger with a column list; the column list and the
-- WHEN clause matter more here: renaming a task or changing its due date never fires
-- it, so such edits never wait on the owner's counter row.
CREATE FUNCTION task_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.owner_id = NEW.owner_id THEN
    UPDATE task_counts SET completed = completed + CASE WHEN NEW.completed THEN 1 ELSE -1 END
    WHERE owner_id = NEW.owner_id;
  ELSE
    -- A task handed to another user: the app never does it, a psql session could.
    UPDATE task_counts SET total = total - 1, completed = completed - OLD.completed::int
    WHERE owner_id = OLD.owner_id;
    INSERT INTO task_counts AS c (owner_id, total, completed) VALUES (NEW.owner_id, 1, NEW.completed::int)
    ON CONFLICT (owner_id) DO UPDATE SET total = c.total + 1, completed = c.completed + excluded.completed;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_count_update AFTER UPDATE OF owner_id, completed ON tasks FOR EACH ROW
  WHEN (OLD.completed IS DISTINCT FROM NEW.completed OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
  EXECUTE FUNCTION task_counts_change();
--> statement-breakpoint
CREATE FUNCTION task_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM task_counts;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_count_truncate AFTER TRUNCATE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION task_counts_clear();
--> statement-breakpoint
-- The tasks that exist already.
INSERT INTO task_counts (owner_id, total, completed)
SELECT owner_id, count(*), count(*) FILTER (WHERE completed) FROM tasks GROUP BY owner_id;
