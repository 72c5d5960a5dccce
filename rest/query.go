package rest

import (
	"net/url"
	"strconv"
	"time"
)

// The setters the generated options use to build a query string. A zero
// value is not sent: Discord's defaults apply. Lists repeat the key
// (?id=1&id=2), as Discord reads them (PROTOCOL.md §13).

type integer interface {
	~int | ~int32 | ~int64 | ~uint32 | ~uint64
}

func formatInt[T integer](v T) string {
	if v < 0 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

func setInt[T integer](q url.Values, k string, v T) {
	if v != 0 {
		q.Set(k, formatInt(v))
	}
}

func addInt[T integer](q url.Values, k string, vs []T) {
	for _, v := range vs {
		q.Add(k, formatInt(v))
	}
}

func setBool(q url.Values, k string, v bool) {
	if v {
		q.Set(k, "true")
	}
}

func setString[T ~string](q url.Values, k string, v T) {
	if v != "" {
		q.Set(k, string(v))
	}
}

func addString[T ~string](q url.Values, k string, vs []T) {
	for _, v := range vs {
		q.Add(k, string(v))
	}
}

func setTime(q url.Values, k string, v time.Time) {
	if !v.IsZero() {
		q.Set(k, v.UTC().Format(time.RFC3339Nano))
	}
}
