package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printOutcome prints what a command did: v as JSON with asJSON, otherwise the text format makes of a.
func printOutcome(out io.Writer, asJSON bool, v any, format string, a ...any) error {
	if asJSON {
		return printJSON(out, v)
	}
	fmt.Fprintf(out, format, a...)
	return nil
}

// printList prints what a list command found: with asJSON an object holding the items under key,
// otherwise a table of header (its columns separated by tabs) and one row an item.
func printList[T any](out io.Writer, asJSON bool, key string, items []T, header string, row func(T) string) error {
	if asJSON {
		return printJSON(out, map[string]any{key: items})
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, it := range items {
		fmt.Fprintln(tw, row(it))
	}
	return tw.Flush()
}
