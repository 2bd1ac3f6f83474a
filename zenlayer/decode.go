package zenlayer

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
)

// decode reads a request body into req. The body is a JSON object whose
// known parameters must have their documented types; unknown parameters are
// ignored, since newer clients send more than older API versions define. An
// empty body is an empty object (curl users often send none).
func decode(body []byte, req any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, req)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return errorf(http.StatusBadRequest, codeType, "The parameter `%s` has the wrong type: %s expected, got %s.",
			typeErr.Field, jsonType(typeErr.Type), typeErr.Value)
	}
	if typeErr != nil {
		return errorf(http.StatusBadRequest, codeBody, "The request body must be a JSON object, not %s.", typeErr.Value)
	}
	return errorf(http.StatusBadRequest, codeBody, "The request body is not valid JSON: %v.", err)
}

// jsonType names the JSON type a Go type decodes from.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}
