//go:build !race

package rest_test

// The load of issue 9's acceptance, and how far above the limits'
// minimum it may take.
const (
	loadRequests = 2000
	loadGlobal   = 222
	maxRatio     = 1.05
)
