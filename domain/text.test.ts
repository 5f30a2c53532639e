import { describe, expect, it } from 'vitest';
import { isPlainMultilineText, isPlainText } from './text';

describe('plain text', () => {
  it('keeps odd but valid Unicode: scripts, emoji, bidi marks, zero-width and combining characters', () => {
    for (const text of [
      'שלום',
      'e\u0301',
      '👩‍👩‍👧‍👦',
      '🇳🇱',
      'a\u200fb\u200d\u200b',
      '\u202eabc',
      '𝔘𝔫𝔦',
      '\ufffd',
      'a\u00a0b',
    ])
      expect(isPlainText(text), JSON.stringify(text)).toBe(true);
  });

  it('refuses control characters and unpaired surrogates; multi-line text keeps tab, LF and CR', () => {
    for (const c of ['\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u009f', '\ud800', '\udfff']) {
      expect(isPlainText(`a${c}b`), JSON.stringify(c)).toBe(false);
      expect(isPlainMultilineText(`a${c}b`), JSON.stringify(c)).toBe(false);
    }
    for (const c of ['\t', '\n', '\r']) {
      expect(isPlainText(`a${c}b`)).toBe(false);
      expect(isPlainMultilineText(`a${c}b`)).toBe(true);
    }
    expect(isPlainText('\ude00\ud83d')).toBe(false);
  });
});
