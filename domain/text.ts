/**
 * Which typed text may be stored: any Unicode — other scripts, emoji, bidi marks,
 * zero-width and combining characters come back exactly as typed — except control
 * characters (PostgreSQL refuses NUL outright; the others garble lists, exports and
 * logs) and halves of surrogate pairs (not Unicode at all: UTF-8 cannot hold them, so
 * the database would keep something else). Multi-line text keeps tab, LF and CR.
 */
const SINGLE_LINE_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;
const MULTI_LINE_FORBIDDEN = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;

/** A name, an email address, a key: no control characters at all, no unpaired surrogates. */
export function isPlainText(text: string): boolean {
  return !SINGLE_LINE_FORBIDDEN.test(text);
}

/** A description or a value: like plain text, but with tabs and line breaks. */
export function isPlainMultilineText(text: string): boolean {
  return !MULTI_LINE_FORBIDDEN.test(text);
}
