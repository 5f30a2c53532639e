import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and ends rows with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, y', 'say "hi"'],
          ['line\nbreak', 'plain'],
        ],
      ),
    ).toBe('a,b\r\n"x, y","say ""hi"""\r\n"line\nbreak",plain\r\n');
  });

  it('defuses a formula behind a leading line break or tab', () => {
    expect(toCsv(['v'], [['\n=HYPERLINK("x")'], ['\r\n+1'], ['\t@x']])).toBe(
      `v\r\n"'\n=HYPERLINK(""x"")"\r\n"'\r\n+1"\r\n'\t@x\r\n`,
    );
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(toCsv(['v'], [['=SUM(A1)'], ['+1'], ['-2'], ['@x'], ['ok']])).toBe(
      "v\r\n'=SUM(A1)\r\n'+1\r\n'-2\r\n'@x\r\nok\r\n",
    );
  });
});
