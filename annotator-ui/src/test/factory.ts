// Fixture factories: a test asks for a thing as the API sends it, overriding only the fields it is about.

/** A fixture: fresh `defaults()` (no two tests share an object), with the fields given overriding them. */
export function factory<T>(defaults: () => T) {
  return (overrides: Partial<T> = {}): T => ({ ...defaults(), ...overrides });
}
