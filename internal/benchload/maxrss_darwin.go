package benchload

// maxrssBytes converts ru_maxrss: bytes on Darwin.
func maxrssBytes(v int64) uint64 { return uint64(v) }
