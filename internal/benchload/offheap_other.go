//go:build !unix

package benchload

// offHeap falls back to the Go heap where mmap is not available.
func offHeap(n int) (b []byte, free func()) { return make([]byte, n), func() {} }
