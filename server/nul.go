package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
)

// PostgreSQL cannot store the NUL character in text (it answers "invalid byte sequence for encoding
// UTF8: 0x00"), so a NUL anywhere in a request's text would surface as a 500 from deep inside a
// handler. It is refused at the door instead, once for every route: here for path and query
// parameters, and in bind for JSON bodies.

const nulMessage = "must not contain the NUL character (\\u0000)"

// refuseNUL answers 400, naming the parameter, when a path or query parameter holds a NUL.
func refuseNUL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for i, name := range c.ParamNames() {
			if i < len(c.ParamValues()) && hasNUL(c.ParamValues()[i]) {
				if name == "*" {
					name = "path"
				}
				return invalid(name, nulMessage)
			}
		}
		q := c.QueryParams()
		names := make([]string, 0, len(q))
		for name := range q {
			names = append(names, name)
		}
		sort.Strings(names) // the same request always names the same parameter
		for _, name := range names {
			if hasNUL(name) {
				return invalid("query", "a parameter name "+nulMessage)
			}
			for _, v := range q[name] {
				if hasNUL(v) {
					return invalid(name, nulMessage)
				}
			}
		}
		return next(c)
	}
}

// hasNUL reports a NUL in s, also when s is a path segment still percent-encoded.
func hasNUL(s string) bool {
	if strings.IndexByte(s, 0) >= 0 {
		return true
	}
	if u, err := url.PathUnescape(s); err == nil {
		return strings.IndexByte(u, 0) >= 0
	}
	return false
}

// jsonNUL returns the path (`sql`, `params.methods[1]`) of the first string in a JSON document that
// holds a NUL, or "" when none does. A JSON text cannot hold a raw NUL byte, only the escape \u0000,
// so a document without that escape is answered without decoding it again.
func jsonNUL(doc []byte) string {
	if !bytes.Contains(doc, []byte(`\u0000`)) {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ""
	}
	return nulPath(v, "")
}

func nulPath(v any, at string) string {
	join := func(key string) string {
		if at == "" {
			return key
		}
		return at + "." + key
	}
	switch v := v.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return cmp.Or(at, "body")
		}
	case []any:
		for i, x := range v {
			if p := nulPath(x, fmt.Sprintf("%s[%d]", cmp.Or(at, "body"), i)); p != "" {
				return p
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.IndexByte(k, 0) >= 0 {
				return cmp.Or(at, "body") // the key itself: name where it is, not the unprintable key
			}
			if p := nulPath(v[k], join(k)); p != "" {
				return p
			}
		}
	}
	return ""
}
