/**
 * The one escape for text that comes from data (dataset domains, ids, sources, outputs, references,
 * labels and notes read from result files) on its way into REPORT.md. The report is Markdown that
 * renderers also treat as HTML, so the text must not be able to open a block, a link or an image,
 * inline HTML, an autolink or an entity; everything else is left as written so that the raw file stays
 * readable (`p < 0.05`, `12.00 [11.50, 12.50]` and `LoRA (r=8)` need no backslashes).
 *
 * Why each rule is enough:
 * - Line breaks become spaces: blocks (headings, lists, quotes, fences, tables, reference
 *   definitions, HTML blocks) start only at the beginning of a line, so one-line text can only
 *   start one where the template puts it at a line start (`- {{label}}`); those markers are
 *   escaped when the text begins with them.
 * - A `]` closes a link or image only when `(`, `[` or `:` (a reference definition) follows it; the
 *   template never follows a value with those, except where the end of the value meets the
 *   template's own `](`, so a `]` before them or at the end of the text is escaped.
 * - `<` opens HTML, a comment or an autolink only before a letter, `/`, `!` or `?`; it becomes `&lt;`
 *   there. `&` becomes `&amp;` where it would start an entity, so `&lt;script&gt;` stays as written.
 * - `\`, `` ` ``, `*`, `_`, `~` and `|` are always backslash-escaped: emphasis, code spans,
 *   strikethrough and table cells must not be opened, and an escaped backslash keeps data from
 *   cancelling one of the escapes added here.
 */
export function escapeMarkdown(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_~|]/g, '\\$&')
    .replace(/\](?=[([:]|$)/g, '\\]')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/^(\s*)([#>+=[-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}
