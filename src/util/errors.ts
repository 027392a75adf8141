/**
 * An error caused by what the user gave us (a file, a flag, a config field). The CLI prints its
 * message as one line on stderr and exits non-zero, never with a stack trace; library callers
 * can catch it by class.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Throws a UserError unless `cond` holds; the message should name the bad input and what is valid. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new UserError(typeof message === 'string' ? message : message());
}
