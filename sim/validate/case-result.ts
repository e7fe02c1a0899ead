/** The four compared metrics; each case carries the ones it measured. */
export const METRICS = ['latency', 'dramBytes', 'l2Bytes', 'energy'] as const;
export type Metric = (typeof METRICS)[number];
/** A value per metric, for the metrics a case has. */
export type MetricValues = Partial<Record<Metric, number>>;

/** One measured case beside its prediction: both values and their relative error, per metric. */
export interface CaseResult {
  id: string;
  kernel: string;
  split: 'calibration' | 'held-out';
  predicted: MetricValues;
  measured: MetricValues;
  error: MetricValues;
  /** The plain roofline's latency, for the baseline column. */
  baseline: { latency: number; error: number };
}
