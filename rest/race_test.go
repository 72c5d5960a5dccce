//go:build race

package rest_test

// Under the race detector a request costs 5 to 10 times the CPU: on a
// 2-core machine shared with other work, a second's burst of requests
// can take longer to serve than the second, and the time measured is the
// machine's. The rules that do not depend on speed (no 429 but shared,
// the global limit never exceeded) hold all the same; the 1.05x of
// issue 9 is checked without -race.
const maxRatio = 1.25
