// The annotation/review loop (docs/API.md "Review queue" and "Annotation and agreement"): API calls,
// the SQL diff the review screen shows, and annotation drafts kept in localStorage.
export * from './annotation';
export * from './review';
export * from './sqlDiff';
export * from './drafts';
export * from './typing';
export { loopApi } from './calls';
