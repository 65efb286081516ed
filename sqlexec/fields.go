package sqlexec

import (
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// RangeFields calls fn for each populated field of m in the order m's message declares its fields,
// stopping when fn returns false. protoreflect's own Range promises no order, and protobuf-go varies
// it from one build to the next. pg_query declares a node's fields mostly in the order their
// clauses are written (a SELECT's list, FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT; its WITH
// last), so every build says the same thing about the same SQL: which refusal comes first, in
// which order warnings are given.
func RangeFields(m protoreflect.Message, fn func(protoreflect.FieldDescriptor, protoreflect.Value) bool) {
	for _, e := range declared(m.Descriptor()) {
		fd := e.field
		if e.oneof != nil {
			if fd = m.WhichOneof(e.oneof); fd == nil {
				continue
			}
		} else if !m.Has(fd) {
			continue
		}
		if !fn(fd, m.Get(fd)) {
			return
		}
	}
}

// declaredEntry is a field outside any oneof, or a oneof (at the place of its first field).
type declaredEntry struct {
	field protoreflect.FieldDescriptor
	oneof protoreflect.OneofDescriptor
}

var declaredOrders sync.Map // protoreflect.FullName → []declaredEntry

// declared lists d's fields and oneofs in declared order, worked out once per message type.
func declared(d protoreflect.MessageDescriptor) []declaredEntry {
	if v, ok := declaredOrders.Load(d.FullName()); ok {
		return v.([]declaredEntry)
	}
	var out []declaredEntry
	fields := d.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch od := fd.ContainingOneof(); {
		case od == nil:
			out = append(out, declaredEntry{field: fd})
		case od.Fields().Get(0) == fd:
			out = append(out, declaredEntry{oneof: od})
		}
	}
	declaredOrders.Store(d.FullName(), out)
	return out
}
