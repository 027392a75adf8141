/** Line breaks of every kind JavaScript reads as one, and how a message writes each instead. */
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;
const ESCAPED_BREAK: Record<string, string> = { '\r\n': '\\r\\n', '\r': '\\r', '\n': '\\n', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * An error caused by what the user gave us (a file, a flag, a config field). The CLI prints its
 * message as one line on stderr and exits non-zero, never with a stack trace; library callers
 * can catch it by class.
 */
export class UserError extends Error {
  override name = 'UserError';

  /**
   * Messages quote what the user gave (a field name, a CSV header, V8's excerpt of a file that is
   * not JSON), and that may hold line breaks: they are written as escapes (\n, \r\n, \u2028), so the
   * message is one line wherever it ends up (a log, a library caller), not only through the CLI.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(
      message.replace(LINE_BREAKS, (b) => ESCAPED_BREAK[b]!),
      options,
    );
  }
}

/** Throws a UserError unless `cond` holds; the message should name the bad input and what is valid. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new UserError(typeof message === 'string' ? message : message());
}

/**
 * A value from the user's file as an error message shows it: JSON, at most `max` characters.
 * JSON.stringify is no good there: a value nested some thousands of levels deep (which JSON.parse
 * reads fine) overflows its stack, and a huge one makes a huge message. Never throws.
 */
export function showValue(value: unknown, max = 120): string {
  let out = '';
  const walk = (v: unknown, depth: number): void => {
    if (out.length > max) return;
    if (typeof v === 'string') out += JSON.stringify(v.length > max ? v.slice(0, max) : v);
    else if (typeof v !== 'object' || v === null)
      out += String(v); // 1e400 shows as Infinity, not as JSON's null
    else if (depth >= 8) out += Array.isArray(v) ? '[…]' : '{…}';
    else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && out.length <= max; i++) {
        if (i) out += ',';
        walk(v[i], depth + 1);
      }
      out += ']';
    } else {
      out += '{';
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length && out.length <= max; i++) {
        out += `${i ? ',' : ''}${JSON.stringify(keys[i])}:`;
        walk((v as Record<string, unknown>)[keys[i]!], depth + 1);
      }
      out += '}';
    }
  };
  walk(value, 0);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/**
 * Key names from the user's file as a message lists them: each as showValue writes it (quoted, a
 * long one cut), and at most `maxKeys` of them, so that a 500-character key or ten thousand keys
 * still make a short line.
 */
export function showKeys(keys: readonly string[], maxKeys = 10, maxChars = 60): string {
  const shown = keys
    .slice(0, maxKeys)
    .map((k) => showValue(k, maxChars))
    .join(', ');
  return keys.length > maxKeys ? `${shown} and ${keys.length - maxKeys} more` : shown;
}
