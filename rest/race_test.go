//go:build race

package rest_test

// The race detector's load: see the acceptance tests. The ratio allows
// for a loaded machine's wake-ups: every second of a global-bound load
// waits one round trip (see globalWindow), and with two busy loops beside
// other work a round trip under -race reached 50-140 ms.
const (
	loadRequests = 1000
	loadGlobal   = 111
	maxRatio     = 1.20
)
