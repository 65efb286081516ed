// A word-level diff of two SQL texts, for the review's side-by-side view.

// ---------- SQL diff ----------

export interface DiffPart {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/** Words and the whitespace between them, so a diff keeps the original layout. */
function tokens(s: string): string[] {
  return s.match(/\s+|[A-Za-z0-9_$.]+|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|[^\sA-Za-z0-9_$.]/g) ?? [];
}

/**
 * A word-level diff of two SQL texts (LCS over tokens; whitespace differences do not count as changes).
 * Returns the parts of `a` (equal/delete) and of `b` (equal/insert), each in order.
 */
export function sqlDiff(a: string, b: string): { a: DiffPart[]; b: DiffPart[] } {
  const ta = tokens(a);
  const tb = tokens(b);
  const norm = (t: string) => (/^\s+$/.test(t) ? ' ' : /^[A-Za-z_]/.test(t) ? t.toLowerCase() : t);
  const na = ta.map(norm);
  const nb = tb.map(norm);
  // Very long SQL: fall back to marking everything different rather than spending O(n·m) memory.
  if (ta.length * tb.length > 4_000_000) {
    return { a: [{ op: 'delete', text: a }], b: [{ op: 'insert', text: b }] };
  }
  const n = ta.length;
  const m = tb.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = na[i] === nb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const outA: DiffPart[] = [];
  const outB: DiffPart[] = [];
  const push = (out: DiffPart[], op: DiffPart['op'], text: string) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (na[i] === nb[j]) {
      push(outA, 'equal', ta[i++]);
      push(outB, 'equal', tb[j++]);
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      push(outA, /^\s+$/.test(ta[i]) ? 'equal' : 'delete', ta[i]);
      i++;
    } else {
      push(outB, /^\s+$/.test(tb[j]) ? 'equal' : 'insert', tb[j]);
      j++;
    }
  }
  while (i < n) push(outA, /^\s+$/.test(ta[i]) ? 'equal' : 'delete', ta[i++]);
  while (j < m) push(outB, /^\s+$/.test(tb[j]) ? 'equal' : 'insert', tb[j++]);
  return { a: joinRuns(outA), b: joinRuns(outB) };
}

/** Whitespace alone between two changes of the same kind belongs to one highlighted run. */
function joinRuns(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const prev = out[out.length - 1];
    const nextPart = parts[k + 1];
    if (p.op === 'equal' && /^\s+$/.test(p.text) && prev && nextPart && prev.op !== 'equal' && prev.op === nextPart.op) {
      prev.text += p.text + nextPart.text;
      k++;
      continue;
    }
    out.push({ ...p });
  }
  return out;
}
