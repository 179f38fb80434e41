import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/kernel/csv.ts';

describe('CSV cells (kernel/csv.ts)', () => {
  it('threat: a cell a spreadsheet would run as a formula is prefixed with a quote (OWASP)', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      const cell = csvCell(`${start}1+1`);
      expect(cell.startsWith(`"'${start}`)).toBe(true);
    }
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('quotes what RFC 4180 needs quoted and leaves plain text alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-5)).toBe('-5');
    expect(csvRow(['a', 1, null, '=x'])).toBe(`a,1,,"'=x"\r\n`);
  });

  it('always-quoted cells keep an empty string apart from null, and neutralise numbers too', () => {
    expect(csvCell('plain', 'always')).toBe('"plain"');
    expect(csvCell('', 'always')).toBe('""');
    expect(csvCell('', 'needed')).toBe('');
    expect(csvCell(null, 'always')).toBe('');
    expect(csvCell(12, 'always')).toBe('"12"');
    expect(csvCell(-5, 'always')).toBe(`"'-5"`);
    expect(csvCell('=1+1', 'always')).toBe(`"'=1+1"`);
  });
});
