// Package rest is an HTTP client for Discord's REST API with a rate limiter
// that keeps a bot clear of 429s and of Cloudflare's invalid-request ban.
//
// # The limiter
//
// Every request waits for its permit from a Limiter (NewLimiter's, unless
// WithLimiter gives another) and reports its answer back:
//
//   - Buckets are learnt from X-RateLimit-Bucket and counted per major
//     parameter (channel, guild, webhook id and token); routes Discord
//     gives one hash share one bucket, and a route whose hash changes
//     moves to the new bucket with its requests in flight.
//   - A route not answered yet sends one request at a time; once its
//     headers are known, up to X-RateLimit-Remaining go at once. The
//     window's end is the answer's arrival plus X-RateLimit-Reset-After
//     (millisecond precision), and the next window opens only then, so a
//     slow answer never makes a window look refilled early.
//   - The global limit (50 per second, WithGlobalLimit for bots Discord
//     raised) is kept before sending: a request holds its place until a
//     second after its answer. Interaction callbacks and follow-ups are
//     outside it (PROTOCOL.md §13).
//   - A 429 is honoured for exactly its retry_after: scope "shared" holds
//     that bucket and does not count as invalid; a global one holds every
//     request but interactions, and Cloudflare's (no JSON, no scope) every
//     request from the IP. A wait longer than WithMaxRetryAfter (a minute by default)
//     is returned as a *RateLimitError instead of being waited out.
//   - 5xx answers and network errors are retried with jittered
//     exponential back-off (50 ms doubling, at most 2 s) for idempotent
//     requests, and for a create-message POST whose body carries a nonce
//     with EnforceNonce (Discord de-duplicates those); never for other
//     POSTs.
//   - Invalid answers (401, 403, 429 but for scope shared) are counted
//     over a sliding 10 minutes: from 8,000 requests are spaced out, from
//     9,500 refused with *InvalidRequestsError, short of Cloudflare's
//     10,000.
//
// No lock is held across a request, and every wait ends with its context;
// a request that never left gives its permit back.
//
// # Values a server sends
//
// Everything below comes from the server and is held to a range before the
// limiter acts on it. Outside it, the client does what the last column
// says; it never waits longer than WithMaxRetryAfter on the server's word.
//
//	value                     what a real Discord sends            outside it
//	X-RateLimit-Bucket        opaque hash, 32 hex characters       empty or over 128 bytes: no bucket named
//	X-RateLimit-Limit         integer, 1 to a few thousand         not an integer in 1..100000: no bucket named
//	X-RateLimit-Remaining     integer, 0..limit                    clamped to 0..limit; not an integer: no bucket named
//	X-RateLimit-Reset-After   seconds with ms decimals, 0..~3600   negative, NaN or not a number: no bucket named;
//	                                                               over 24 h: 24 h (and so refused, see retry_after)
//	X-RateLimit-Reset         epoch seconds                        not read: Reset-After is clock-independent
//	X-RateLimit-Scope (429)   user, global or shared               anything else: user (counted invalid)
//	X-RateLimit-Global (429)  "true" on a global 429               other values: not global
//	retry_after (429 body)    seconds with decimals, under a       negative, NaN or absent: Retry-After header, else 1 s;
//	                          minute for buckets and the global    over WithMaxRetryAfter: *RateLimitError with the
//	                          limit, up to hours for slowmode      value, no wait; recorded for at most 24 h
//	Retry-After (429)         integer seconds                      as retry_after, when the body has none
//	429 body                  {message, retry_after, global, code} not JSON and no scope (Cloudflare): holds every
//	                                                               request, interaction routes included
//	error body                {code, message, errors}              not JSON: Code 0, no message; message cut at 2000
//	                                                               bytes; answers read up to 8 MiB
//
// An answer without bucket headers is taken to have reached no bucket: a
// 5xx or 429 from in front of the API (a 502 from the edge, Cloudflare)
// gives its request back to the window; any other answer marks the route
// as unlimited.
package rest
