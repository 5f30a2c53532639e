/**
 * Keeps secrets and client data out of the log file, whatever part of the app writes
 * them: bearer tokens, API tokens, passwords, session JSON — and the documents that
 * errors carry (RxDB puts the parameters of an error, a whole client among them, into
 * its message). The log is for finding faults: it keeps what went wrong and where, and
 * drops the values. Runs in: main.
 */
const SECRETS: [RegExp, string][] = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  [/cohort_[A-Za-z0-9_-]{20,}/g, 'cohort_[redacted]'],
  [/((?:token|password)=)[^&\s]+/gi, '$1[redacted]'],
];

/**
 * What data looks like in an error's text: a JSON string value (except those of keys that
 * name things rather than hold them), an email address, a date, a phone number.
 */
const SAFE_KEYS = /^(?:id|code|status|collection|context|kind|operation|isError|documentId|field|path)$/;
const DATA: [RegExp, string | ((...m: string[]) => string)][] = [
  [
    /("([A-Za-z0-9_$]+)"\s*:\s*)"(?:[^"\\]|\\.)*"/g,
    (_all, prefix = '', key = '') => (SAFE_KEYS.test(key) ? _all : `${prefix}"[redacted]"`),
  ],
  [/[^\s"'<>()[\]{},;:@]+@[^\s"'<>()[\]{},;:@]+\.[A-Za-z]{2,}/g, '[email]'],
  [/\b\d{4}-\d{2}-\d{2}\b/g, '[date]'],
  [/\+?\d[\d ()./-]{6,}\d/g, '[number]'],
];

/** RxDB appends the error's parameters (documents, write rows) after this line. */
const RXDB_PARAMETERS = /\n-{20}\nParameters:\n[\s\S]*$/;

/** `text` without tokens and passwords. */
export function redact(text: string): string {
  const withoutSecrets = SECRETS.reduce(
    (out, [pattern, replacement]) => out.replace(pattern, replacement),
    text,
  );
  return withoutSecrets.replace(
    /("(?:token|password|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    '$1"[redacted]"',
  );
}

/** `text` without secrets and without the values an error may carry: for what the renderer reports. */
export function redactData(text: string): string {
  const cut = redact(text).replace(RXDB_PARAMETERS, '\n[parameters left out]');
  return DATA.reduce(
    (out, [pattern, replacement]) =>
      typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement),
    cut,
  );
}

/** An Error as a log line: its name, message and stack, without secrets or values. */
export function redactError(error: Error): string {
  // The stack repeats the message: only its frames are kept from it.
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [redactData(`${error.name}: ${error.message}`), ...frames.map(redactData)].join('\n');
}

/** A value electron-log is about to write, made safe: strings and Errors redacted, anything else as it is. */
export function redactLogValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (value instanceof Error) return redactError(value);
  return value;
}
