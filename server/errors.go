package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/store"
)

// apiError is an error with its HTTP form. Handlers return it for failures that are not domain errors
// (a bad path parameter, a missing CSRF token).
type apiError struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
}

func (e *apiError) Error() string { return e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

type envelope struct {
	Error envelopeBody `json:"error"`
}

type envelopeBody struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// toAPIError maps every error the handlers can see to its one HTTP form. This is the only place
// where domain errors meet status codes.
func toAPIError(err error) *apiError {
	var ae *apiError
	var he *echo.HTTPError
	var ve *store.ValidationError
	var se *store.StaleVersionError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		fields := map[string]any{}
		for k, v := range ve.Fields {
			fields[k] = v
		}
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_input", Message: ve.Error(), Details: map[string]any{"fields": fields}}
	case errors.As(err, &se):
		return &apiError{Status: http.StatusConflict, Code: "stale_version", Message: se.Error(), Details: map[string]any{"current_version": se.Current}}
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: lastMessage(err, "conflict")}
	case errors.Is(err, store.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: lastMessage(err, "not found")}
	case errors.Is(err, store.ErrBadCredentials):
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "sign in again: the credentials are wrong, expired or revoked"}
	case errors.Is(err, llm.ErrNotConfigured):
		return &apiError{Status: http.StatusConflict, Code: "llm_not_configured", Message: llm.ErrNotConfigured.Error()}
	case errors.Is(err, llm.ErrBadResponse):
		return &apiError{Status: http.StatusBadGateway, Code: "bad_model_response", Message: lastMessage(err, "the model's answer could not be used")}
	case errors.Is(err, store.ErrUnavailable):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "the database is unavailable; try again shortly"}
	case errors.As(err, &he):
		return fromEchoError(he)
	default:
		return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; the request ID identifies it in the server log"}
	}
}

// lastMessage prefers a domain error's own human message over the wrapped chain.
func lastMessage(err error, fallback string) string {
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		return ce.Msg
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); strings.HasPrefix(msg, "store:") && i >= 0 {
		return msg[i+2:]
	}
	if msg == "" {
		return fallback
	}
	return msg
}

func fromEchoError(he *echo.HTTPError) *apiError {
	msg := fmt.Sprint(he.Message)
	switch he.Code {
	case http.StatusNotFound:
		return &apiError{Status: he.Code, Code: "not_found", Message: "no such endpoint"}
	case http.StatusMethodNotAllowed:
		return &apiError{Status: he.Code, Code: "method_not_allowed", Message: "method not allowed on this endpoint"}
	case http.StatusRequestEntityTooLarge:
		return &apiError{Status: he.Code, Code: "body_too_large", Message: fmt.Sprintf("request body is larger than the %s limit", bodyLimit)}
	case http.StatusUnauthorized:
		return &apiError{Status: he.Code, Code: "unauthenticated", Message: msg}
	case http.StatusForbidden:
		return &apiError{Status: he.Code, Code: "forbidden", Message: msg}
	case http.StatusTooManyRequests:
		return &apiError{Status: he.Code, Code: "rate_limited", Message: msg}
	}
	if he.Code >= 500 {
		return &apiError{Status: he.Code, Code: "internal", Message: "internal error"}
	}
	return &apiError{Status: he.Code, Code: "invalid_input", Message: msg}
}

// errorHandler writes every error as the envelope and logs server-side failures.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := toAPIError(err)
	if ae.Status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "method", c.Request().Method,
			"path", c.Request().URL.Path, "status", ae.Status, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(ae.Status)
		return
	}
	_ = c.JSON(ae.Status, envelope{Error: envelopeBody{Code: ae.Code, Message: ae.Message, Details: ae.Details}})
}

// bind decodes a JSON body strictly into v: the content type must be JSON, unknown fields, trailing
// data and NUL characters in strings are refused, and every problem is reported as a 400 that names
// the field.
func bind(c echo.Context, v any) error {
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON {
		return errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "send the body as JSON with Content-Type: application/json")
	}
	doc, err := io.ReadAll(req.Body) // the body limit bounds it
	if err != nil {
		return decodeError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return invalid("body", "must hold exactly one JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("body", "must hold exactly one JSON object")
	}
	if field := jsonNUL(doc); field != "" {
		return invalid(field, nulMessage)
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &echo.HTTPError{Code: http.StatusRequestEntityTooLarge}
	case errors.Is(err, io.EOF):
		return invalid("body", "is empty; a JSON object is required")
	case errors.As(err, &syn):
		return invalid("body", fmt.Sprintf("malformed JSON at byte %d", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("body", "malformed JSON: it ends too early")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return invalid(field, "must be "+jsonKind(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(name, "is not a known field")
	}
	return invalid("body", "malformed JSON: "+err.Error())
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "true or false"
	case k == "string":
		return "a string"
	case k == "slice":
		return "an array"
	}
	return "an object"
}

func invalid(field, msg string) error {
	return &store.ValidationError{Fields: map[string]string{field: msg}}
}
