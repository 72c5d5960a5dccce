//go:build unix && !darwin

package benchload

// maxrssBytes converts ru_maxrss: KiB on Linux and the BSDs.
func maxrssBytes(v int64) uint64 { return uint64(v) << 10 }
