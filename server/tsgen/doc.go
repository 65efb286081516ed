// Package tsgen writes TypeScript declarations of Go types as encoding/json renders them, so the web
// UI's types are generated from the API's Go types instead of written twice.
//
// The mapping follows encoding/json (https://pkg.go.dev/encoding/json#Marshal): a field's name is its
// json tag or Go name, "-" drops it, omitempty makes it optional, embedded structs without a tag
// have their fields promoted (an interface extends the one embedded struct that is declared itself,
// instead of repeating its members); pointers, slices and maps may be null. A field's `tstype:"…"` tag
// replaces the TypeScript type worked out from the Go type (the convention of the tygo generator),
// for strings that only take some values. A type that marshals itself says what it marshals with a
// JSONShape method; any other json.Marshaler needs an entry in Options.Override.
package tsgen
