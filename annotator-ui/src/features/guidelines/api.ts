// Project guidelines (docs/API.md "Guidelines"): the API calls and the rule syntax, shared by the
// guideline pages. Kept apart from api.ts so the guideline screens are one self-contained piece.
import type { Guideline, GuidelineDiffData, GuidelineInfo, Proposal } from '../../shared/api.gen';
export type { DiffHunk, Guideline, GuidelineDiffData, GuidelineInfo, GuidelineRule, Proposal, ProposalCause, RuleRef } from '../../shared/api.gen';
import { request } from '../../shared/api';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}/guidelines`;

export const guidelinesApi = {
  list: async (projectId: string | number) => {
    const res = await request<{ current: Guideline | null; versions: GuidelineInfo[] | null }>('GET', base(projectId));
    return { current: res.current, versions: res.versions ?? [] };
  },
  get: (projectId: string | number, version: number) =>
    request<{ guideline: Guideline }>('GET', `${base(projectId)}/${encodeURIComponent(String(version))}`),
  diff: (projectId: string | number, from: number, to: number) =>
    request<{ diff: GuidelineDiffData }>('GET', `${base(projectId)}/diff?from=${from}&to=${to}`),
  /** Ask the model for edits from the latest `limit` disagreements (default 50); can take a while. */
  propose: async (projectId: string | number, limit?: number, signal?: AbortSignal) => {
    const res = await request<{ proposal: Proposal }>('POST', `${base(projectId)}/propose`, {
      body: limit ? { limit } : {},
      signal,
    });
    const p = res.proposal;
    return { ...p, causes: p.causes ?? [] };
  },
  /** version: the one the edit started from (0 before the first save); a newer one answers 409 stale_version. */
  save: (projectId: string | number, body: { markdown: string; summary: string; version: number }) =>
    request<{ guideline: Guideline }>('PUT', base(projectId), { body }),
};


/** What the editor can be opened with instead of the current version (a proposal to edit before saving). */
export interface EditorDraft {
  markdown: string;
  /** The version the draft was made from: the save's expected version. */
  base: number;
  summary: string;
}

/**
 * A rule heading: "## R3: title" (an existing rule) or "## R: title" (a new one, numbered on save).
 * The server (store.ParseGuideline) is the authority; this mirrors it for the editor's preview.
 */
export const RULE_HEADING = /^(#{1,6})[ \t]+R(\d*)[ \t]*:[ \t]*(.*?)[ \t]*$/;

export interface DraftRule {
  id: string | null; // null: new, gets an ID on save
  title: string;
  line: number; // 1-based
}

/** The rules of a draft, and IDs written more than once (the server refuses those). */
export function draftRules(markdown: string): { rules: DraftRule[]; duplicates: string[] } {
  const rules: DraftRule[] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  let fence = '';
  markdown.replace(/\r\n/g, '\n').split('\n').forEach((line, i) => {
    const f = /^ {0,3}(```|~~~)/.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (fence === f[1]) fence = '';
      return;
    }
    if (fence) return;
    const m = RULE_HEADING.exec(line);
    if (!m) return;
    const id = m[2] ? `R${m[2]}` : null;
    if (id) {
      if (seen.has(id)) duplicates.add(id);
      seen.add(id);
    }
    rules.push({ id, title: m[3].replace(/(^|[ \t]+)#+[ \t]*$/, '').trim(), line: i + 1 });
  });
  return { rules, duplicates: [...duplicates] };
}

/** What a new project's guidelines start from: the syntax, shown by example. */
export const GUIDELINE_TEMPLATE = `# Annotation guidelines

Write questions a person would ask, and SQL that answers exactly that question.

## R: Qualify ambiguous columns
When two joined tables share a column name, write \`table.column\`.

## R: Count entities, not rows
Use \`COUNT(DISTINCT …)\` when the question asks "how many different …".
`;
