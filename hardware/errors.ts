/**
 * The one error type for bad input: an unknown preset, a malformed unit, an impossible shape.
 * `field` names the place (a spec path, a workload field, a CLI flag) so that the front end can
 * print one clear line and exit 2 instead of a stack trace.
 */
export class InputError extends Error {
  readonly field: string;
  /** The message without the field, for re-raising the same complaint under another field. */
  readonly detail: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InputError';
    this.field = field;
    this.detail = message;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
