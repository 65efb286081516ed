package spider

import (
	"math/big"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/goldset/goldset/sqlexec"
)

func TestDebugMatch(t *testing.T) {
	a := &sqlexec.Result{Columns: []sqlexec.ResultColumn{{Name: "a"}}, Rows: [][]any{{34.5}}, RowCount: 1}
	b := &sqlexec.Result{Columns: []sqlexec.ResultColumn{{Name: "a"}}, Rows: [][]any{{pgtype.Numeric{Int: big.NewInt(345000000000000000), Exp: -16, Valid: true}}}, RowCount: 1}
	t.Logf("%+v %v %v", sqlexec.Match(a, b, sqlexec.MatchOptions{}), sqlexec.Canonical(a.Rows[0][0]), sqlexec.Canonical(b.Rows[0][0]))
}
