//go:build unix

package benchload

import "syscall"

// offHeap returns n bytes outside the Go heap, so that a pre-built stream
// of tens of megabytes does not change the garbage collector's pacing of
// the client under test. free gives them back.
func offHeap(n int) (b []byte, free func()) {
	if n == 0 {
		return nil, func() {}
	}
	m, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		b := make([]byte, n)
		return b, func() {}
	}
	return m, func() { syscall.Munmap(m) }
}
