import { InputError } from '../../../hardware/errors.js';
import { isObjectiveId, OBJECTIVE_IDS, type ObjectiveId } from '../objectives.js';

/** Pareto fronts are drawn over 2 or 3 objectives; more make almost every design optimal. */
export const MIN_PARETO_OBJECTIVES = 2;
export const MAX_PARETO_OBJECTIVES = 3;

/** `--objectives latency,energy`: known ids, each once. */
export function parseObjectives(text: string, flag = '--objectives'): ObjectiveId[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const id of ids) {
    if (!isObjectiveId(id)) throw new InputError(flag, `unknown objective "${id}"; valid objectives: ${OBJECTIVE_IDS.join(', ')}`);
  }
  if (ids.length === 0) throw new InputError(flag, 'list at least one objective');
  if (new Set(ids).size !== ids.length) throw new InputError(flag, 'lists an objective twice');
  return ids as ObjectiveId[];
}
