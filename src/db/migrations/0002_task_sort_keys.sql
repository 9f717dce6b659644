DROP INDEX "tasks_owner_title_idx";--> statement-breakpoint
DROP INDEX "tasks_owner_due_idx";--> statement-breakpoint
CREATE INDEX "tasks_owner_title_idx" ON "tasks" USING btree ("owner_id",lower("title"),"id");--> statement-breakpoint
CREATE INDEX "tasks_owner_due_idx" ON "tasks" USING btree ("owner_id",coalesce("due_date", 'infinity'::date),"id");