/**
 * Places in a sweep file, written the way a reader would point at them:
 * `sweep.parameters[2].values[0]`. Every error about a sweep file names one.
 */
export type PlacePath = ReadonlyArray<string | number>;

export function placeOf(path: PlacePath, root = 'sweep'): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${key}`;
  return out;
}
