package etf

import "strconv"

// Error reports input that ToJSON or FromJSON cannot transcode: malformed input,
// a term with no JSON form, or a value beyond one of the package's limits.
type Error struct {
	// Offset is the byte offset in the input where transcoding failed.
	Offset int
	// Msg says what was wrong there.
	Msg string
}

// Error returns the message in the form "etf: <msg> at offset N".
func (e *Error) Error() string {
	return "etf: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

func errorAt(offset int, msg string) *Error {
	return &Error{Offset: offset, Msg: msg}
}
