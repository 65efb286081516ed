// Golden sets (docs/API.md): snapshots and their exports, the project's versioned prompt
// template, evaluations (runs of kind `evaluate`) and prompt optimizations (runs of kind `optimize`):
// the types, the API calls, and the arithmetic and wording the screens share.
export * from './snapshots';
export * from './prompts';
export * from './evaluations';
export * from './optimizations';
export * from './figures';
export { exportUrl, goldenApi } from './calls';
