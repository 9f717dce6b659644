import { hash } from '@node-rs/bcrypt';

/**
 * A bcrypt hash as passlib/FastAPI stored it: `$2a$`, `$2b$` or `$2y$`, cost 12.
 * The revisions differ only for passwords over 255 bytes (the 2b fix), so for
 * the short test passwords a `$2b$` hash with its prefix renamed is exactly the
 * hash the other revision would have produced.
 */
export async function legacyBcrypt(password: string, version: '2a' | '2b' | '2y' = '2b', cost = 12): Promise<string> {
  const hashed = await hash(password, cost);
  return hashed.replace(/^\$2b\$/, `$${version}$`);
}
