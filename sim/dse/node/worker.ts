import { parentPort, workerData } from 'node:worker_threads';
import type { SweepPlan } from '../plan.js';
import type { ResultsFormat } from '../results-header.js';
import { evaluateChunk, type ChunkRequest, type ChunkResult } from './chunk.js';

/**
 * A worker thread of `attnsim sweep`: gets the finished plan (so point i is the same point in
 * every thread), evaluates the chunks of point indices it is sent, and answers with their
 * encoded result lines. It imports the evaluator only, not the planner: the planner's unit and
 * expression parser (mathjs) would add most of a second to every thread's start.
 */
const { plan, format } = workerData as { plan: SweepPlan; format: ResultsFormat };
const evaluate = evaluateChunk(plan, format);

parentPort!.on('message', (request: ChunkRequest) => {
  const result: ChunkResult = evaluate(request);
  parentPort!.postMessage(result);
});
