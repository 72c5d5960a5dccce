package compress

import (
	"errors"
	"fmt"
)

// ErrTooLarge is wrapped by every error about a message, or a zstd window,
// larger than the decoder's limit: a decompression bomb is an error, never
// an out-of-memory crash.
var ErrTooLarge = errors.New("compress: message too large")

// ErrCorrupt is wrapped by every error about malformed compressed data. The
// error's message keeps the underlying cause.
var ErrCorrupt = errors.New("compress: corrupt stream")

// TooLargeError reports a message that decompressed past Limit bytes, or
// (zlib-stream) whose compressed bytes buffered while waiting for the end of
// the message grew past it. errors.Is(err, ErrTooLarge) holds for it.
type TooLargeError struct {
	// Limit is the decoder's maximum message size in bytes.
	Limit int
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("compress: message too large: over the limit of %d bytes", e.Limit)
}

// Unwrap returns ErrTooLarge.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// corrupt returns an error wrapping ErrCorrupt that says what was wrong.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// corruptCause is corrupt for an error of the decompressor itself, which it
// also wraps.
func corruptCause(cause error, what string) error {
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, what, cause)
}
