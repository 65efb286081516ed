package csvtable_test

import (
	"fmt"
	"strings"

	"github.com/goldset/goldset/pipelines/ingest/csvtable"
)

func ExampleRead() {
	in := `"Year","Title","Chart
UK","# of weeks"
"1969","\"Renaissance\"","60","1,204"
"1971","Illusion","–",""
`
	td, err := csvtable.Read(strings.NewReader(in), "csv/200-csv/0.csv", csvtable.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(td.Def.Name)
	for _, c := range td.Def.Columns {
		fmt.Printf("%s %s (%q)\n", c.Name, c.Type, c.Original)
	}
	fmt.Println(td.Rows)
	fmt.Println(td.Warnings)
	// Output:
	// t_0
	// year bigint ("Year")
	// title text ("Title")
	// chart_uk bigint ("Chart UK")
	// num_of_weeks bigint ("# of weeks")
	// [[1969 "Renaissance" 60 1204] [1971 Illusion <nil> <nil>]]
	// [column "chart_uk": 1 placeholder cells ("–") stored as NULL]
}
