package metrics_test

import (
	"context"
	"fmt"

	"github.com/goldset/goldset/metrics"
)

func ExampleAnalyze() {
	schema := metrics.Schema{Database: "concert_singer", Tables: []metrics.Table{
		{Name: "singer", Columns: []string{"singer_id", "name", "country", "age"}},
		{Name: "stadium", Columns: []string{"stadium_id", "name", "capacity"}},
	}}
	items := []metrics.Item{
		{Question: "How many singers do we have?", SQL: "SELECT count(*) FROM singer"},
		{Question: "What is the total number of singers?", SQL: "SELECT count(*) FROM singer"},
		{Question: "Show the names of singers from France older than 30.", SQL: "SELECT name FROM singer WHERE country = 'France' AND age > 30"},
		{Question: "Which stadium is the largest?", SQL: "SELECT name FROM stadium ORDER BY capacity DESC LIMIT 1"},
	}
	r, err := metrics.Analyze(context.Background(), items, []metrics.Schema{schema}, metrics.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("embedding:", r.Embedding)
	fmt.Printf("tables %d/%d, columns %d/%d, unused %v\n", r.TablesUsed, r.TablesTotal, r.ColumnsUsed, r.ColumnsTotal, r.UnusedColumns)
	fmt.Printf("%d patterns, entropy %.2f bits, evenness %.2f\n", r.UniquePatterns, r.EntropyBits, r.Evenness)
	fmt.Printf("hardness %+v\n", r.Hardness)
	// Output:
	// embedding: lexical-char-ngram-v1
	// tables 2/2, columns 5/7, unused [singer.singer_id stadium.stadium_id]
	// 3 patterns, entropy 1.50 bits, evenness 0.95
	// hardness {Easy:2 Medium:2 Hard:0 Extra:0 Unparsed:0}
}

func ExampleQuery_Pattern() {
	for _, sql := range []string{
		"SELECT T1.name FROM singer AS T1 WHERE T1.age > 30 AND T1.country = 'France'",
		"select title from songs where genre = 'jazz' and length > 4.5",
	} {
		q, err := metrics.Parse(sql)
		if err != nil {
			panic(err)
		}
		fmt.Println(q.Pattern())
	}
	// Output:
	// SELECT col FROM tab WHERE col = val AND col > val
	// SELECT col FROM tab WHERE col = val AND col > val
}

func ExampleQuery_Hardness() {
	q, err := metrics.Parse("SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id GROUP BY T1.stadium_id")
	if err != nil {
		panic(err)
	}
	level, c := q.Hardness()
	fmt.Println(level, c.Component1, c.Component2, c.Others)
	// Output: medium 2 0 1
}
