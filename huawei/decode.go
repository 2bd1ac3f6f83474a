package huawei

import (
	"bytes"
	"encoding/json"
	"io"
)

// decodeBody reads a JSON request body into v. ECS refuses an empty body
// with Common.0002 and anything that is not one JSON value of the expected
// shape with Ecs.0005.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errBadBody
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadBody
	}
	return nil
}

// serverRef names a server in a batch request: {"id": "..."}.
type serverRef struct {
	ID string `json:"id"`
}

// maxBatch is how many servers one batch request may name.
const maxBatch = 1000

// serverIDs checks a batch request's list of servers and returns their ids.
func serverIDs(refs []serverRef) ([]string, error) {
	if len(refs) == 0 {
		return nil, invalidParam("servers is required.")
	}
	if len(refs) > maxBatch {
		return nil, errTooMany
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		if r.ID == "" {
			return nil, invalidParam("servers[%d].id is required.", i)
		}
		ids[i] = r.ID
	}
	return ids, nil
}
