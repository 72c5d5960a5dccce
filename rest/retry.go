package rest

import "github.com/wirecord/wirecord/discord"

// createMessageRetryable is the hook the generated CreateMessage uses for
// request.idempotent: a create-message POST may be retried after a 5xx or
// a network error only when it carries a nonce with enforce_nonce, which
// Discord de-duplicates (PROTOCOL.md §14). Every other POST is never
// retried blindly. How and when the retry happens is the limiter's and
// call's business, not this function's.
func createMessageRetryable(m *discord.MessageSend) bool {
	return m.Nonce != "" && m.EnforceNonce
}
