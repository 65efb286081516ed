package sqlexec

// ColumnType is the PostgreSQL type a target column is created with.
type ColumnType string

// The types an import can produce.
const (
	TypeInteger   ColumnType = "bigint"
	TypeNumeric   ColumnType = "numeric"
	TypeFloat     ColumnType = "double precision"
	TypeDate      ColumnType = "date"
	TypeTimestamp ColumnType = "timestamp"
	TypeBoolean   ColumnType = "boolean"
	TypeText      ColumnType = "text"
)

// ColumnDef is one column of an imported table.
type ColumnDef struct {
	Name     string     `json:"name"`     // a clean, unique, lower snake_case identifier
	Original string     `json:"original"` // the header or name as it was in the source, shown to people
	Type     ColumnType `json:"type"`
	NotNull  bool       `json:"not_null,omitempty"`
	Doc      *ColumnDoc `json:"doc,omitempty"` // what the source says the column means (BIRD's descriptions)
}

// ForeignKey says Columns of this table reference RefColumns of RefTable.
type ForeignKey struct {
	Columns    []string `json:"columns" tstype:"string[]"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns" tstype:"string[]"`
}

// TableDef describes an imported table.
type TableDef struct {
	Name        string       `json:"name"`     // identifier in the target schema
	Original    string       `json:"original"` // the file or source table name
	Summary     string       `json:"summary,omitempty"`
	Columns     []ColumnDef  `json:"columns"`
	PrimaryKey  []string     `json:"primary_key,omitempty"`
	ForeignKeys []ForeignKey `json:"foreign_keys,omitempty"`
}

// TableData is a table ready to load. Row values are nil (NULL), int64, float64, string (text, or a
// decimal number for TypeNumeric), bool, or time.Time, matching each column's Type.
type TableData struct {
	Def      TableDef
	Rows     [][]any
	Warnings []string // what the reader changed or could not read, per table, for the import report
}
