package spider

import (
	"context"
	"os"
	"testing"
)

func TestDebugQuery(t *testing.T) {
	q := os.Getenv("SPIDER_DEBUG_Q")
	if q == "" {
		t.Skip()
	}
	env := loadDev(t)
	db := env.dbs[os.Getenv("SPIDER_DEBUG_DB")]
	r := env.run(context.Background(), db, q)
	t.Logf("%+v", r)
	for _, row := range r.Rows {
		for _, v := range row {
			t.Logf("%T %#v", v, v)
		}
	}
	s := RunSQLite(context.Background(), db.sqlite, q, 0)
	t.Logf("%+v", s)
}
