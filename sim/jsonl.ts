import type { z } from 'zod';

/** A bad line of a JSON-lines file: the file, the 1-based line number and what is wrong with it. */
export interface FormatError {
  file: string;
  line: number;
  message: string;
}

/**
 * Parse a JSONL file against `schema`: good lines become items, bad lines errors with their line
 * number. `check` rejects a line the schema cannot judge alone (a message, or undefined if fine).
 */
export function parseJsonLines<T>(text: string, file: string, schema: z.ZodType<T>, check: (item: T) => string | undefined = () => undefined): { items: T[]; errors: FormatError[] } {
  const items: T[] = [];
  const errors: FormatError[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      errors.push({ file, line: index + 1, message: `not valid JSON (${(e as Error).message})` });
      return;
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      errors.push({ file, line: index + 1, message: `${issue.path.join('.') || '(line)'}: ${issue.message}` });
      return;
    }
    const problem = check(result.data);
    if (problem !== undefined) {
      errors.push({ file, line: index + 1, message: problem });
      return;
    }
    items.push(result.data);
  });
  return { items, errors };
}
