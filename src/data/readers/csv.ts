import { UserError } from '../../util/errors.ts';

/**
 * RFC 4180 delimited text (CSV, and TSV with the same quoting rules): a header row, fields
 * optionally wrapped in double quotes, `""` for a literal quote, line breaks allowed inside
 * quotes, CRLF or LF endings. Returns one object per data row keyed by the header.
 * `label` names the file in error messages.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t', label: string): Record<string, string>[] {
  const { rows, lines } = tokenize(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter, label);
  if (rows.length === 0) return [];
  const header = rows[0]!;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new UserError(`${label}: column '${name}' appears twice in the header row; column names must be unique`);
    seen.add(name);
  }
  const out: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const fields = rows[r]!;
    const line = lines[r]!;
    if (fields.length === 1 && fields[0] === '' && header.length > 1) continue; // blank line
    if (fields.length !== header.length)
      throw new UserError(
        `${label} line ${line}: ${fields.length} fields, but the header has ${header.length} (${header.join(', ')}); quote fields that contain '${delimiter === '\t' ? '\\t' : delimiter}'`,
      );
    // fromEntries defines each column as an own property: assigning rec['__proto__'] would drop it.
    out.push(Object.fromEntries(header.map((name, i) => [name, fields[i]!])));
  }
  return out;
}

/** Splits into rows of fields; `lines[r]` is the line where row r starts (for error messages). */
function tokenize(text: string, delimiter: string, label: string): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let rowStart = 1;
  let atFieldStart = true; // a quote only opens a quoted field here
  let rowStarted = false; // distinguishes an empty last line from a row with one empty field
  const endRow = () => {
    row.push(field);
    rows.push(row);
    lines.push(rowStart);
    row = [];
    field = '';
  };
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"' && atFieldStart) {
      const quoted = readQuotedField({ text, start: i, line, label });
      field += quoted.value;
      i = quoted.end;
      line = quoted.line;
      atFieldStart = false;
      rowStarted = true;
      const after = text[i];
      if (after !== undefined && after !== delimiter && after !== '\n' && after !== '\r')
        throw new UserError(`${label} line ${line}: unexpected text after a closing quote; a quote inside a quoted field is written as ""`);
      continue;
    }
    if (c === delimiter) {
      row.push(field);
      field = '';
      atFieldStart = true;
      rowStarted = true;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRow();
      atFieldStart = true;
      rowStarted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowStart = line;
      continue;
    }
    if (c === '"') throw new UserError(`${label} line ${line}: a '"' inside an unquoted field; quote the whole field and write the quote as ""`);
    field += c;
    atFieldStart = false;
    rowStarted = true;
    i++;
  }
  if (rowStarted) endRow();
  return { rows, lines };
}

/**
 * The quoted field whose opening quote is at `start`: it runs to the next lone quote. Returns its
 * value, the index after the closing quote and the line there (`line` is the line at `start`).
 */
function readQuotedField(args: { text: string; start: number; line: number; label: string }): { value: string; end: number; line: number } {
  const { text, start, label } = args;
  const quoteLine = args.line;
  let line = args.line;
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new UserError(`${label} line ${quoteLine}: a quoted field is never closed (missing '"')`);
    const q = text[i]!;
    if (q === '"') {
      if (text[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      return { value, end: i + 1, line };
    }
    if (q === '\n') line++;
    value += q;
    i++;
  }
}
