// The grader's data: what a submission is, what each case scored and why.

/** One student's hand-in: the notebooks found for them, or why none could be read. */
export interface Submission {
  /** The student's id: the file's stem, the folder's name, or the top-level folder in a zip. */
  student: string;
  /** Where it came from, for messages. */
  origin: string;
  notebooks: { name: string; text: string }[];
  /** Problems found while collecting it (unreadable zip entry, no .ipynb, …). */
  problems: string[];
}

export type CaseVisibility = "visible" | "hidden";

export interface CaseSpec {
  name: string;
  kind: string;
  points: number;
  visibility: CaseVisibility;
}

export interface ExerciseSpec {
  id: string;
  topic: string;
  functionName: string;
  title: string;
  cases: CaseSpec[];
}

/** How one case ended. `timeout`, `crashed` and `not run` are decided by the parent, never reported by the child. */
export type CaseStatus = "passed" | "failed" | "not implemented" | "error" | "timeout" | "crashed" | "not run";

export interface CaseOutcome extends CaseSpec {
  status: CaseStatus;
  score: number;
  /** For the student. Always generic for hidden cases: their inputs and expected values never appear. */
  message: string;
  seconds: number;
}

export interface ExerciseOutcome {
  id: string;
  title: string;
  functionName: string;
  score: number;
  maxScore: number;
  /** Why the whole exercise scored zero without running (missing cell, type error, …), or "". */
  problem: string;
  /** Notes that did not cost points (e.g. a duplicated cell: the last one was graded). */
  notes: string[];
  cases: CaseOutcome[];
}

export interface SubmissionReport {
  student: string;
  origin: string;
  score: number;
  maxScore: number;
  seconds: number;
  /** Problems with the submission as a whole (unreadable notebook, …). */
  problems: string[];
  exercises: ExerciseOutcome[];
  /** How much the sandboxed process printed: counted and dropped, never shown, never used for scoring. */
  output: { bytes: number };
  /** How many sandbox processes this submission needed (more than 1 after a timeout or crash). */
  processes: number;
}
