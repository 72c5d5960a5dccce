package rest

import (
	"context"
	"iter"
)

// pages runs the iterators of the generated list methods. fetch gets the
// page after cursor (the zero cursor is the first page) and says whether
// more may follow; next gives an item's cursor. Paging with before, the
// next cursor is the lowest one seen; with after, the highest, whatever
// order Discord lists the page in. It stops when a page is short or says
// no more, when the cursor does not move, at the first error (yielded),
// or when ctx is done.
func pages[T any, C comparable](ctx context.Context, first C, before bool,
	fetch func(context.Context, C) ([]T, bool, error), next func(T) (C, bool), less func(a, b C) bool) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := first
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, more, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			var edge C
			found := false
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
				c, ok := next(it)
				if !ok {
					continue
				}
				if !found || before && less(c, edge) || !before && less(edge, c) {
					edge, found = c, true
				}
			}
			if !more || !found || edge == cursor {
				return
			}
			cursor = edge
		}
	}
}
