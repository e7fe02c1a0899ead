/**
 * One input a user could type, and what the CLI must do with it.
 *
 * Args may hold placeholders: `{fx}` (tests/fuzz/fixtures), `{gen}` (big or degenerate files
 * generated at test time), `{repo}` (the repository root) and `{tmp}` (the run's own working
 * directory, fresh and empty but for `files`). Relative paths resolve in `{tmp}`.
 */
export interface FuzzEntry {
  args: readonly string[];
  /** 'bad': exit 2 and one line `attnsim: error: …` on stderr. 'ok': exit 0, no NaN/Infinity/undefined printed. */
  expect: 'bad' | 'ok';
  /**
   * What the error line must name. A string must open the message (`--set` matches
   * `attnsim: error: --set: …`); a pattern is tested against the whole message after the prefix.
   */
  field?: RegExp | string;
  /** Why the input is bad (or valid): what a user meant, what the CLI must say. */
  why: string;
  /** Files written into the working directory first (name → text); a 'bad' run must leave them unchanged. */
  files?: Readonly<Record<string, string>>;
  /** CLI runs made first in the same directory (each must exit 0), e.g. a sweep whose results the entry then resumes. */
  before?: ReadonlyArray<readonly string[]>;
  /** Files an 'ok' run must write, free of NaN, Infinity and undefined. */
  outputs?: readonly string[];
}
