// Errors the CLI turns into a one-line message and exit code 2 (usage or configuration), never a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}
