// How the optimization pages name a method and where a candidate came from.


export const METHOD_LABELS: Record<string, string> = { opro: 'OPRO', apo: 'APO' };

export const ORIGIN_LABELS: Record<string, string> = { baseline: 'Baseline', opro: 'OPRO', apo: 'APO' };
