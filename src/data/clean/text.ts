/**
 * Character-level normalisations used by the cleaning pipeline; each is a pure string function
 * so the pipeline can count which examples each step changed.
 */

/** Unicode NFC: the same word must have one byte sequence (é as one code point, й not и + ◌̆). */
export function toNfc(text: string): string {
  return text.normalize('NFC');
}

/*
 * C0/C1 controls other than tab, LF and CR (those are whitespace and collapsed later), plus
 * invisible format characters that split tokens without being visible: soft hyphen, zero-width
 * space, directional marks and embeddings, word joiner, BOM, interlinear annotation marks.
 * ZWJ/ZWNJ stay: they change how emoji and some scripts render. Lone UTF-16 surrogates (broken
 * encodings) go too.
 */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u00AD\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const HAS_CONTROL = new RegExp(CONTROL.source + '|\u0085');

export function stripControlChars(text: string): string {
  if (!HAS_CONTROL.test(text)) return text; // the common case, without building a new string
  // NEL (U+0085) is a line break in some encodings: keep it as a word boundary.
  return text.replace(CONTROL, '').replace(/\u0085/g, ' ');
}

const NEEDS_COLLAPSE = /[^\S ]| {2}|^ | $/;

/** Every run of Unicode whitespace (including newlines, NBSP, thin spaces) becomes one space; ends trimmed. */
export function collapseWhitespace(text: string): string {
  if (!NEEDS_COLLAPSE.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim();
}
