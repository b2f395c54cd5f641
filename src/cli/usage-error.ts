/** @module A bad argument to a command: reported as one line on stderr with exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
