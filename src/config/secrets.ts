/**
 * The secrets this process knows (passwords from database URLs), and their
 * removal from any text about to be printed. The removal matches the exact
 * strings registered, never a pattern: a driver error that echoes a password
 * in whatever spelling kiln registered loses it, and nothing else changes.
 */
const known = new Set<string>();

/** Remember a secret (a password, in each spelling it may appear in). */
export function registerSecret(value: string | undefined): void {
  if (value) known.add(value);
}

/** The text with every known secret replaced by ***. */
export function redactSecrets(text: string): string {
  if (known.size === 0) return text;
  // Longest first: a password that contains a shorter registered spelling goes in one piece.
  const secrets = [...known].sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of secrets) result = result.split(secret).join("***");
  return result;
}

/** An error's message with every registered secret replaced, for kiln's own messages. */
export function redactedMessage(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
