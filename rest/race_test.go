//go:build race

package rest_test

// Under the race detector a request costs several times the CPU, and the
// round trip a request waits (which the global window pays once a second,
// see globalWindow) grows from a few to about 50 ms on a loaded 2-core
// machine.
const maxRatio = 1.10
