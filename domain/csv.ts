/** CSV text (RFC 4180) that spreadsheets open safely: quoted where needed, no formulas. */

function cell(value: string): string {
  // A leading = + - @ would make a spreadsheet run the cell as a formula; so would a tab or
  // a line break before one (some spreadsheets drop them when they import).
  const safe = /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
