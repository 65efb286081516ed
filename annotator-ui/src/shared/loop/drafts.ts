// Unsent answers kept in the browser per item, so a reload does not lose them.

// ---------- Drafts ----------

const draftKey = (projectId: string | number, itemId: number) => `goldset:draft:${projectId}:${itemId}`;

export const drafts = {
  load(projectId: string | number, itemId: number): string | null {
    try {
      return localStorage.getItem(draftKey(projectId, itemId));
    } catch {
      return null;
    }
  },
  save(projectId: string | number, itemId: number, sql: string) {
    try {
      if (sql) localStorage.setItem(draftKey(projectId, itemId), sql);
      else localStorage.removeItem(draftKey(projectId, itemId));
    } catch {
      // Storage full or disabled: the draft is only a convenience.
    }
  },
  clear(projectId: string | number, itemId: number) {
    try {
      localStorage.removeItem(draftKey(projectId, itemId));
    } catch {
      // ignore
    }
  },
};
