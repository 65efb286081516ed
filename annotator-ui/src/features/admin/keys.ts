// Query keys of the administration screens.
export const adminKeys = {
  users: () => ['users'] as const,
  llmSettings: () => ['settings', 'llm'] as const,
};
