package sqlexec

import "strings"

// ColumnDoc is what a benchmark says about a column, as BIRD's database_description/<table>.csv
// files do (columns original_column_name, column_name, column_description, data_format,
// value_description; Li et al., "Can LLM Already Serve as A Database Interface?", NeurIPS 2023).
// People browsing the schema and the agent's schema context read it; it is kept with the
// database version's columns, so a version documents itself.
type ColumnDoc struct {
	Name        string `json:"name,omitempty"`        // a readable full name ("Free Meal Count (K-12)")
	Description string `json:"description,omitempty"` // what the column holds
	Format      string `json:"format,omitempty"`      // the data format the source names (integer, text, date …)
	Values      string `json:"values,omitempty"`      // what its values mean ("1: yes; 0: no")
}

// Empty reports whether the doc says nothing.
func (d *ColumnDoc) Empty() bool {
	return d == nil || d.Name == "" && d.Description == "" && d.Format == "" && d.Values == ""
}

// Text is the doc in one line for a prompt or a tooltip: the full name when it differs from name,
// the description and the meaning of the values; the format is left to the column's type.
func (d *ColumnDoc) Text(name string) string {
	if d.Empty() {
		return ""
	}
	var parts []string
	if d.Name != "" && !strings.EqualFold(norm(d.Name), norm(name)) {
		parts = append(parts, d.Name)
	}
	if d.Description != "" && !strings.EqualFold(norm(d.Description), norm(d.Name)) && !strings.EqualFold(norm(d.Description), norm(name)) {
		parts = append(parts, d.Description)
	}
	if d.Values != "" {
		parts = append(parts, "values: "+d.Values)
	}
	return oneLine(strings.Join(parts, "; "))
}

// norm compares names as people write them: "free_meal count" and "Free Meal Count" are one name.
func norm(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "_", " ")), " ") }

// oneLine joins the lines of s with spaces, so a comment in a prompt stays one comment.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
