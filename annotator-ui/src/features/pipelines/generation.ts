// What a generating pipeline run is to the UI: its kinds with their labels, hints and methods, the
// reasons an item is dropped, the stage it writes, the form that starts one and its params, and the
// page each kind of run has.
import { type GenerationKind, type GenerationParams, type PipelineRun } from '../../shared/api';
import { wholeIn } from '../../shared/forms';

export const KIND_LABELS: Record<string, string> = {
  agent: 'Agent batch',
  complexity: 'Complexity',
  semantic: 'Semantic variety',
  paraphrase: 'Paraphrase',
  qagen: 'Schema-chunk QA',
  table_metadata: 'Table metadata',
  evaluate: 'Evaluation',
  optimize: 'Prompt optimization',
};

export const kindLabel = (k: string) => KIND_LABELS[k] ?? k;

export const KIND_HINTS: Record<GenerationKind, string> = {
  complexity: 'Rewrites each question of a stage into a more complex one (one method per question).',
  semantic: 'Writes new questions over columns not yet covered, in the style of a question of the stage.',
  paraphrase: 'Rephrases each question of a stage without changing its meaning.',
  qagen: 'Asks for question and SQL pairs over chunks of a database’s tables, runs and validates each SQL.',
  table_metadata: 'Proposes a clean name and a one-line summary for each table of a CSV-imported database.',
};

export const METHODS: Partial<Record<GenerationKind, string[]>> = {
  complexity: ['constraint', 'specific', 'reasoning'],
  paraphrase: ['imperative', 'interrogative', 'lexical', 'morphological'],
};

/** What makes an output be dropped, in the words of the screens. */
export const DROP_LABELS: Record<string, string> = {
  invalid_json: 'invalid JSON',
  empty: 'empty',
  refusal: 'refusal',
  duplicate: 'duplicate',
  near_duplicate: 'near-duplicate',
  too_long: 'too long',
  off_schema: 'off schema',
  wrong_language: 'wrong language',
  sql_failed: 'SQL failed',
  not_validated: 'not validated',
};

const fromStageKinds: GenerationKind[] = ['complexity', 'semantic', 'paraphrase'];
export const usesFromStage = (k: GenerationKind) => fromStageKinds.includes(k);
export const needsDatabase = (k: GenerationKind) => k === 'qagen' || k === 'table_metadata';
export const makesQuestions = (k: string) => k !== 'table_metadata' && k !== 'agent';

/** The stage a run's new questions get: its `stage`, else the server's default. */
export function outputStage(kind: string, p: Partial<GenerationParams> | null | undefined): string {
  if (p?.stage) return p.stage;
  if (kind === 'qagen') return 'qagen';
  return `${p?.from_stage || 'human-seed'}+${kind}`;
}

export interface RunForm {
  kind: GenerationKind;
  from_stage: string;
  stage: string;
  database: string;
  n: string;
  methods: string[];
  columns: string;
  tables_per_chunk: string;
  num: string;
  sample_rows: string;
  validate: boolean;
  concurrency: string;
  annotate: boolean;
}

export const DEFAULT_FORM: RunForm = {
  kind: 'paraphrase',
  from_stage: '',
  stage: '',
  database: '',
  n: '',
  methods: [],
  columns: '',
  tables_per_chunk: '',
  num: '',
  sample_rows: '',
  validate: true,
  concurrency: '',
  annotate: true,
};

/** The form's values as the API's params: only what the pipeline takes and was set (the server fills defaults). */
export function generationParams(form: RunForm): Partial<GenerationParams> {
  const k = form.kind;
  const p: Partial<GenerationParams> = {};
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  if (usesFromStage(k) && form.from_stage) p.from_stage = form.from_stage;
  if (k !== 'table_metadata' && form.stage.trim()) p.stage = form.stage.trim();
  if (form.database) p.database_id = Number(form.database);
  if (k === 'complexity' || k === 'paraphrase' || k === 'semantic') p.n = num(form.n);
  const all = METHODS[k];
  // All methods is the default: send a choice only when it is narrower.
  if (all && form.methods.length > 0 && form.methods.length < all.length) p.methods = all.filter((m) => form.methods.includes(m));
  if (k === 'semantic') p.columns = num(form.columns);
  if (k === 'qagen') {
    p.tables_per_chunk = num(form.tables_per_chunk);
    p.num = num(form.num);
    p.sample_rows = num(form.sample_rows);
    if (!form.validate) p.validate = false;
  }
  p.concurrency = num(form.concurrency);
  if (k !== 'table_metadata' && !form.annotate) p.annotate = false;
  for (const key of Object.keys(p) as (keyof GenerationParams)[]) if (p[key] === undefined) delete p[key];
  return p;
}

/** Errors the form can tell before asking the server. */
export function localErrors(form: RunForm): Record<string, string> {
  const out: Record<string, string> = {};
  const k = form.kind;
  if (needsDatabase(k) && !form.database) out.database_id = 'Choose a database.';
  if (!wholeIn(form.n, 0, 100_000)) out.n = 'A whole number from 0 to 100000.';
  if (k === 'semantic' && !wholeIn(form.columns, 1, 8)) out.columns = 'From 1 to 8.';
  if (k === 'qagen') {
    if (!wholeIn(form.tables_per_chunk, 1, 20)) out.tables_per_chunk = 'From 1 to 20.';
    if (!wholeIn(form.num, 1, 50)) out.num = 'From 1 to 50.';
    if (!wholeIn(form.sample_rows, 0, 20)) out.sample_rows = 'From 0 to 20.';
  }
  if (!wholeIn(form.concurrency, 1, 64)) out.concurrency = 'From 1 to 64.';
  if (METHODS[k] && form.methods.length === 0) out.methods = 'Choose at least one method.';
  return out;
}

export const FORM_FIELDS = ['kind', 'pipeline', 'from_stage', 'stage', 'database_id', 'n', 'methods', 'columns', 'tables_per_chunk', 'num', 'sample_rows', 'concurrency'];

export const droppedCount = (r: PipelineRun) => Object.values(r.dropped ?? {}).reduce((s, n) => s + n, 0);
