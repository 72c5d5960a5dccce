//go:build !race

package rest_test

// maxRatio is how far above the limits' minimum a load may take.
const maxRatio = 1.05
