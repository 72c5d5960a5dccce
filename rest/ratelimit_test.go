package rest_test

import (
	"testing"

	"github.com/wirecord/wirecord/rest"
	"github.com/wirecord/wirecord/rest/ratelimittest"
)

func TestMemoryLimiterKeepsTheRules(t *testing.T) {
	ratelimittest.Run(t, rest.NewLimiter)
}
