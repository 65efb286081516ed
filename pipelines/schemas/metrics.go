package schemas

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/store"
)

// ForMetrics is what the metrics package needs of the schemas: the tables and columns of every
// database the questions use, and of the newest version of each other database of the project
// (coverage counts what was never used too), with the name each database goes by in the reports.
func ForMetrics(ctx context.Context, st *store.Store, projectID int64, inputs []store.MetricInput) ([]metrics.Schema, map[int64]string, error) {
	used := map[int64]bool{}
	for _, in := range inputs {
		if in.DatabaseID != nil {
			used[*in.DatabaseID] = true
		}
	}
	all, err := st.ListDatabases(ctx, projectID, true)
	if err != nil {
		return nil, nil, err
	}
	usedName := map[string]bool{}
	for _, d := range all {
		if used[d.ID] {
			usedName[d.Name] = true
		}
	}
	names := map[int64]string{}
	var out []metrics.Schema
	for _, d := range all {
		if !used[d.ID] && (!d.Latest || usedName[d.Name]) {
			continue
		}
		// Two versions of one database in a set are told apart by their version.
		name := d.Name
		if !d.Latest || countVersionsUsed(all, used, d.Name) > 1 {
			name = fmt.Sprintf("%s@v%d", d.Name, d.Version)
		}
		names[d.ID] = name
		tables, err := st.Tables(ctx, d.ID)
		if err != nil {
			return nil, nil, err
		}
		s := metrics.Schema{Database: name}
		for _, t := range tables {
			var cols []struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(t.Columns, &cols); err != nil {
				return nil, nil, fmt.Errorf("table %s of database %s: columns: %w", t.Name, d.Name, err)
			}
			mt := metrics.Table{Name: t.Name}
			for _, c := range cols {
				mt.Columns = append(mt.Columns, c.Name)
			}
			s.Tables = append(s.Tables, mt)
		}
		out = append(out, s)
	}
	return out, names, nil
}

func countVersionsUsed(all []store.Database, used map[int64]bool, name string) int {
	n := 0
	for _, d := range all {
		if d.Name == name && used[d.ID] {
			n++
		}
	}
	return n
}
