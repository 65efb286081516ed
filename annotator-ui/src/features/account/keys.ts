// Query keys of the account screens (TanStack Query): every key comes from here.
export const accountKeys = {
  tokens: () => ['tokens'] as const,
};
