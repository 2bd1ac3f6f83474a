package huawei

import "sync"

// createAnswer is what a create answers.
type createAnswer struct {
	JobID     string   `json:"job_id"`
	OrderID   string   `json:"order_id,omitempty"`
	ServerIDs []string `json:"serverIds"`
}

// maxClientTokens is how many create answers clientTokens keeps.
const maxClientTokens = 4096

// clientTokens makes creates idempotent by their X-Client-Token header: a
// client that retries a create gets the servers of the first attempt, not
// new ones. It keeps the most recent answers in memory; a restart forgets
// them.
type clientTokens struct {
	mu      sync.Mutex
	answers map[string]createAnswer
	order   []string
}

// do answers a create made with token (of account) once; creates with the
// same token answer the same. Without a token it just creates.
func (ct *clientTokens) do(account, token string, create func() (createAnswer, error)) (createAnswer, error) {
	if token == "" {
		return create()
	}
	key := account + "\x00" + token
	// Held while creating, so that concurrent retries wait for the first.
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if a, ok := ct.answers[key]; ok {
		return a, nil
	}
	a, err := create()
	if err != nil {
		return a, err
	}
	if ct.answers == nil {
		ct.answers = make(map[string]createAnswer)
	}
	ct.answers[key] = a
	ct.order = append(ct.order, key)
	if len(ct.order) > maxClientTokens {
		delete(ct.answers, ct.order[0])
		ct.order = ct.order[1:]
	}
	return a, nil
}
