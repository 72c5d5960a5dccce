//go:build !unix

package benchload

import "time"

// processCPU is not available here: CPU figures read as zero.
func processCPU() (time.Duration, bool) { return 0, false }

func resetPeakRSS() bool { return false }

// rss is not available here.
func rss() (cur, peak uint64, ok bool) { return 0, 0, false }
