package sqlexec

import (
	"fmt"
	"testing"
)

func TestCheckCache_GivesCheckVerdictsAndStaysBounded(t *testing.T) {
	t.Parallel()
	c := newCheckCache(3)
	for round := 0; round < 2; round++ {
		stmt, err := c.check("SELECT 1;", "tdb_1")
		if err != nil || stmt != "SELECT 1" {
			t.Fatalf("round %d: %q %v", round, stmt, err)
		}
		if _, err := c.check("DELETE FROM t", "tdb_1"); err == nil {
			t.Fatalf("round %d: a refusal was lost", round)
		}
		// The verdict depends on the schema: the same SQL is refused for another target.
		if _, err := c.check("SELECT * FROM tdb_1.t", "tdb_2"); err == nil {
			t.Fatalf("round %d: cross-schema read allowed", round)
		}
		if _, err := c.check("SELECT * FROM tdb_1.t", "tdb_1"); err != nil {
			t.Fatalf("round %d: own schema refused: %v", round, err)
		}
	}
	for i := 0; i < 10; i++ {
		c.check(fmt.Sprintf("SELECT %d", i), "tdb_1")
	}
	if c.order.Len() != 3 || len(c.items) != 3 {
		t.Fatalf("cache holds %d/%d entries, want 3", c.order.Len(), len(c.items))
	}
	if newCheckCache(-1) != nil {
		t.Fatal("a negative size must disable the cache")
	}
}
