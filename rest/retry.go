package rest

import (
	"math/rand/v2"
	"time"

	"github.com/wirecord/wirecord/discord"
)

// Back-off after a 5xx or a network error: exponential from 50 ms,
// capped at 2 s, each wait drawn uniformly from its upper half.
const (
	backoffBase = 50 * time.Millisecond
	backoffMax  = 2 * time.Second
)

// backoff is the wait before retry number attempt+1.
func backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 6 {
		d = min(backoffBase<<attempt, backoffMax)
	}
	return d/2 + rand.N(d/2+1)
}

// createMessageRetryable is the hook the generated CreateMessage uses for
// request.idempotent: a create-message POST may be retried after a 5xx or
// a network error only when it carries a nonce with enforce_nonce, which
// Discord de-duplicates (PROTOCOL.md §14). Every other POST is never
// retried blindly: the first may have been carried out.
func createMessageRetryable(m *discord.MessageSend) bool {
	return m != nil && m.Nonce != "" && m.EnforceNonce
}

// mayRetry reports whether a 5xx or a network error may be retried: an
// idempotent request, or a create-message POST sent through Do whose
// body is a MessageSend that createMessageRetryable accepts.
func mayRetry(r *request, route Route) bool {
	if r.idempotent {
		return true
	}
	if route.Key != "POST /channels/:major/messages" {
		return false
	}
	switch b := r.body.(type) {
	case discord.MessageSend:
		return createMessageRetryable(&b)
	case *discord.MessageSend:
		return createMessageRetryable(b)
	}
	return false
}
