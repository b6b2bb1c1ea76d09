/** One measured figure of the benchmark. */
export interface BenchFigure {
  /** Short name, e.g. "import throughput". */
  readonly name: string;
  readonly value: number;
  /** Unit of `value`, e.g. "tasks/s", "ms", "MB", "×". */
  readonly unit: string;
  /** The goal as text, e.g. "≥ 0.5"; omitted when there is none. */
  readonly goal?: string;
  /** Whether the goal is met; omitted when there is no goal. */
  readonly pass?: boolean;
}

/** A part of `npm run bench`, owned by the feature it measures. */
export interface BenchSection {
  readonly name: string;
  run(): Promise<readonly BenchFigure[]>;
}
