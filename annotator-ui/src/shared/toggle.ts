// Turning one member of a selection on or off, for lists of what is open, expanded or ticked.

/** A copy of `set` with `v` added, or removed when it was there. */
export function toggled<T>(set: ReadonlySet<T>, v: T): Set<T> {
  const next = new Set(set);
  if (next.has(v)) next.delete(v);
  else next.add(v);
  return next;
}

/** A copy of `list` with `v` appended, or removed when it was there. */
export function toggledIn<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}
