ALTER TABLE "users" ADD COLUMN "mfa_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- users.mfa_enabled follows mfa_totp in the same transaction as every write to it,
-- whichever path wrote it (enable, disable, `tasktalk users mfa-reset`, psql): a
-- pending setup (enabled_at null) does not count. On a cascaded account deletion the
-- user row is already gone and the UPDATE finds nothing.
CREATE FUNCTION users_mfa_enabled_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE users SET mfa_enabled = false WHERE id = OLD.user_id AND mfa_enabled;
    RETURN NULL;
  END IF;
  UPDATE users SET mfa_enabled = (NEW.enabled_at IS NOT NULL)
  WHERE id = NEW.user_id AND mfa_enabled IS DISTINCT FROM (NEW.enabled_at IS NOT NULL);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER mfa_totp_sync_user AFTER INSERT OR UPDATE OF enabled_at OR DELETE ON mfa_totp
  FOR EACH ROW EXECUTE FUNCTION users_mfa_enabled_sync();
--> statement-breakpoint
UPDATE users SET mfa_enabled = true
WHERE id IN (SELECT user_id FROM mfa_totp WHERE enabled_at IS NOT NULL);
