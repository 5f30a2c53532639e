/**
 * Keeps secrets out of the log files: bearer tokens, API tokens, passwords and the
 * session JSON, whatever part of the app writes them. Runs in: main.
 */
const RULES: [RegExp, string][] = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  [/cohort_[A-Za-z0-9_-]{20,}/g, 'cohort_[redacted]'],
  [/("(?:token|password|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
  [/((?:token|password)=)[^&\s]+/gi, '$1[redacted]'],
];

export function redact(text: string): string {
  return RULES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
