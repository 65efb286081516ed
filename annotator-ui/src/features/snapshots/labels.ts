// How the snapshot pages name a split and a hardness level.


export const SPLIT_LABELS: Record<string, string> = { train: 'Train', val: 'Validation', test: 'Test', all: 'All' };
export const HARDNESS_LABELS: Record<string, string> = { easy: 'Easy', medium: 'Medium', hard: 'Hard', extra: 'Extra hard' };
