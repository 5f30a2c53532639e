/**
 * Characters at the edges of Unicode: odd ones a field that holds only ids, dates or
 * numbers must refuse; ones no text may hold (controls, halves of surrogate pairs); and
 * odd but valid text, which must come back exactly as stored.
 */
import fc from 'fast-check';

/** Odd but printable: bidi marks and overrides, zero-width characters, emoji, combining marks, other scripts' digits. */
export const ODD_UNICODE = [
  '\u200f',
  '\u200e',
  '\u202e',
  '\u200d',
  '\u200b',
  '\ufeff',
  '\u00a0',
  '\u2028',
  '😀',
  '👩‍👩‍👧',
  '🇳🇱',
  'e\u0301',
  'é',
  'ｉｄ',
  '٢٠٢٦',
] as const;
/** C0 and C1 controls and DEL, NUL first; tab, LF and CR apart (a description may hold lines). */
export const CONTROL_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
] as const;
export const LINE_BREAKS = ['\t', '\n', '\r'] as const;
/** Halves of surrogate pairs without their other half: not Unicode text, cannot be stored as UTF-8. */
export const UNPAIRED_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ude00\ud83d'] as const;

/** Odd but valid text: each piece must round-trip exactly. */
export const ODD_BUT_VALID = [
  // Bidi marks, isolates and overrides; zero-width and invisible characters.
  '\u200f',
  '\u200e',
  '\u202e',
  '\u202c',
  '\u2066',
  '\u2069',
  '\u200d',
  '\u200c',
  '\u200b',
  '\u2060',
  '\u00ad',
  '\ufeff',
  // Emoji: a plain one, a ZWJ family, a flag, a skin tone, a keycap, a tag sequence.
  '😀',
  '👩‍👩‍👧‍👦',
  '🇳🇱',
  '👍🏽',
  '1️⃣',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  // Combining marks (decomposed and stacked), precomposed look-alikes, ligatures.
  'e\u0301',
  'é',
  'Z\u0351\u0352\u0300\u0301\u0327',
  'ﬁ',
  '\u212b',
  '\u00c5',
  // Other scripts, right to left too; astral letters; the replacement character.
  'שלום',
  'مرحبا',
  'नमस्ते',
  '漢字',
  '𝔘𝔫𝔦',
  'İß',
  '\ufffd',
  // Spaces that are not ASCII, and plain letters.
  '\u00a0',
  '\u2028',
  ' ',
  'Ab',
] as const;

/** 1–10 odd pieces, at most `max` UTF-16 units, not blank once trimmed. */
export const oddButValidText = (max: number) =>
  fc
    .array(fc.constantFrom(...ODD_BUT_VALID), { minLength: 1, maxLength: 10 })
    .map((pieces) => pieces.join(''))
    .filter((text) => text.length <= max && text.trim().length > 0);
